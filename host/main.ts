/**
 * `npm start`: serves the functions on http://127.0.0.1:${PORT:-7071}/api/..., configured only
 * from the environment (ARCHITECTURE.md), so it can point at a real tenant or any emulator.
 */
import { getDeps } from '../functions/deps.js';
import { isAppError } from '../src/errors.js';
import { startLocalHost } from './local-host.js';

async function main(): Promise<void> {
  let functions;
  try {
    ({ httpFunctions: functions } = await import('../functions/index.js'));
  } catch (error) {
    console.error(isAppError(error) ? error.message : error);
    process.exit(1);
  }
  const port = Number(process.env['PORT'] ?? '7071');
  const host = await startLocalHost(functions, {
    port,
    log: (level, message) => {
      (level === 'error' || level === 'warning' ? console.error : console.log)(message);
    },
  });
  console.log(`entitlement-guard local host listening on ${host.url} (POST ${host.url}/api/callout)`);
  const { ledger, recordings } = getDeps();
  console.log(ledger.durable ? `decisions are recorded in the ledger: ${ledger.where}` : `no DECISION_LEDGER_URL: decisions are kept in ${ledger.where}, not shared with other instances and lost at restart`);
  const stop = () => {
    void host.close().then(() => recordings.flush()).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

await main();
