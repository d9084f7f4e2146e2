import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueServerCertificate, type PemPair } from '../../emulator/index.js';
import { AZURITE_ACCOUNT } from '../../src/ledger/decisions-cli/local-azurite.js';

/**
 * Azurite's one account. Its URLs are path-style (`https://127.0.0.1:PORT/devstoreaccount1/...`):
 * on an IP host Azurite takes the account from the first path segment, and `@azure/data-tables`
 * (utils/isCosmosEndpoint.js) treats `127.0.0.1` or `localhost` followed by `/devstoreaccount1` as
 * Azure Storage, asking for `https://storage.azure.com/.default`. Plain `localhost` without that
 * path would be taken for the Cosmos DB emulator and get a `https://cosmos.azure.com` token.
 */
export { AZURITE_ACCOUNT };

export interface AzuriteTablesOptions {
  /**
   * The CA that signs Azurite's server certificate (issued here for 127.0.0.1, ::1, localhost):
   * pass the tenant emulator's CA, which the callers already trust through NODE_EXTRA_CA_CERTS.
   */
  readonly ca: PemPair;
  /** How long to wait for Azurite to listen (default 20 s). */
  readonly timeoutMs?: number;
}

export interface AzuriteTablesProcess {
  /** `https://127.0.0.1:PORT/devstoreaccount1`: what `TableClient` / `TableServiceClient` take as their URL. */
  readonly accountUrl: string;
  /** Azurite's process id. */
  readonly pid: number;
  /** From spawning the process to Azurite saying it listens. */
  readonly startupMs: number;
  /** Everything Azurite printed (it runs `--silent`: start-up lines and errors only). */
  readonly output: readonly string[];
  /** `https://127.0.0.1:PORT/devstoreaccount1/<name>`: a table's URL, the shape of DECISION_LEDGER_URL. */
  tableUrl(name: string): string;
  stop(): Promise<void>;
}

/**
 * The arguments Azurite's table service runs with: loopback, in memory, telemetry and access log
 * off, HTTPS with the given PEM files, and OAuth "basic" (bearer tokens accepted; see
 * startAzuriteTables for what that checks). No `--location`: Azurite refuses it with
 * `--inMemoryPersistence`, and works in its cwd instead (a temporary directory here).
 */
export function azuriteTablesArgs(port: number, certPath: string, keyPath: string): string[] {
  return [
    '--tableHost', '127.0.0.1',
    '--tablePort', String(port),
    '--inMemoryPersistence',
    '--disableTelemetry',
    '--silent',
    // The service version check rejects SDKs newer than this Azurite; the API itself is stable.
    '--skipApiVersionCheck',
    '--cert', certPath,
    '--key', keyPath,
    '--oauth', 'basic',
  ];
}

/**
 * Azurite's table service (`azurite/dist/src/table/main.js`) as a child process on a free loopback
 * port, over HTTPS with a certificate from `options.ca`, accepting OAuth bearer tokens: what the
 * decision ledger does in Azure (managed identity token, scope `https://storage.azure.com/.default`)
 * works against it unchanged.
 *
 * Azurite's "basic" OAuth (table/authentication/TableTokenAuthenticator.js) does not check the
 * signature; it requires HTTPS, `iat`/`nbf`/`exp` with now inside [nbf, exp], an `iss` starting
 * with `https://sts.windows.net/` (or another Azure cloud's STS, common/utils/constants.js
 * VALID_ISSUE_PREFIXES) and an `aud` from table/utils/constants.js VALID_TABLE_AUDIENCES:
 * `https://storage.azure.com` (with or without `/`), the storage app id
 * `e406a681-f3d4-42a8-90b6-c2b029497af1`, or `https://<account>.table.core.windows.net` for this
 * account. The tenant emulator's managed identity tokens (iss `https://sts.windows.net/{tenant}/`,
 * aud = the resource asked for) pass. A request with no Authorization header is refused (403
 * AuthorizationFailure); a token for another audience, 403 AuthenticationFailed. Azurite still
 * accepts the development account's shared key and SAS next to tokens: OAuth is added, not exclusive.
 *
 * The table service prints the port it was configured with, not the one it got (`0` stays `0`),
 * so the port is picked here (listen on 0, close) and a start that loses that port to another
 * process (EADDRINUSE) is retried on a new one.
 */
export async function startAzuriteTables(options: AzuriteTablesOptions): Promise<AzuriteTablesProcess> {
  const main = createRequire(import.meta.url).resolve('azurite/dist/src/table/main.js');
  const cwd = mkdtempSync(join(tmpdir(), 'eg-azurite-tables-'));
  try {
    const cert = await issueServerCertificate(options.ca);
    const certPath = join(cwd, 'cert.pem');
    const keyPath = join(cwd, 'key.pem');
    writeFileSync(certPath, cert.certPem);
    writeFileSync(keyPath, cert.keyPem, { mode: 0o600 });
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      try {
        return await spawnAzurite(main, azuriteTablesArgs(port, certPath, keyPath), cwd, port, options.timeoutMs ?? 20_000);
      } catch (error) {
        if (!(error instanceof PortTaken) || attempt === 3) throw error;
      }
    }
  } catch (error) {
    rmSync(cwd, { recursive: true, force: true });
    throw error;
  }
}

class PortTaken extends Error {}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => { resolve(port); });
    });
  });
}

async function spawnAzurite(main: string, args: string[], cwd: string, port: number, timeoutMs: number): Promise<AzuriteTablesProcess> {
  const startedAt = performance.now();
  const child = spawn(process.execPath, [main, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  // Azurite outlives nothing: if this process exits without stop(), the child goes with it.
  const killOnExit = () => { child.kill('SIGKILL'); };
  process.once('exit', killOnExit);
  const output: string[] = [];
  const listening = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`Azurite tables did not start in ${String(timeoutMs)} ms:\n${output.join('')}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString('utf8'));
      if (output.join('').includes(`Table service successfully started on 127.0.0.1:${String(port)}`)) {
        clearTimeout(timer);
        resolve();
      }
    };
    // Both pipes are read for the life of the process, so Azurite never blocks on a full pipe.
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const printed = output.join('');
      reject(printed.includes('EADDRINUSE') ? new PortTaken(printed) : new Error(`Azurite tables exited with ${String(code)}:\n${printed}`));
    });
  });
  try {
    await listening;
  } catch (error) {
    process.removeListener('exit', killOnExit);
    await stopChild(child);
    throw error;
  }
  const startupMs = Math.round(performance.now() - startedAt);
  const accountUrl = `https://127.0.0.1:${String(port)}/${AZURITE_ACCOUNT}`;
  return {
    accountUrl,
    pid: child.pid ?? 0,
    startupMs,
    output,
    tableUrl: (name) => `${accountUrl}/${name}`,
    async stop() {
      process.removeListener('exit', killOnExit);
      await stopChild(child);
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    child.once('exit', () => { resolve(); });
    child.kill('SIGTERM');
  });
}
