// Files named by a user (POLICY_PATH, --policy, --tenant) are read only if regular, and only up to a bound.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { readTenantFile, TenantFileError } from '../emulator/index.js';
import { CHECK_LIST } from '../src/checks/index.js';
import { AppError } from '../src/errors.js';
import { readPolicyFile } from '../src/policy/read-policy-file.js';
import { FileRefused, readBoundedFile } from '../src/read-bounded-file.js';

const dir = mkdtempSync(join(tmpdir(), 'eg-bounded-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const fifo = join(dir, 'fifo');
execFileSync('mkfifo', [fifo]);
const directory = join(dir, 'a-directory');
mkdirSync(directory);
const small = join(dir, 'small.json');
writeFileSync(small, '{"x":1}');
const big = join(dir, 'big.json');
writeFileSync(big, Buffer.alloc(1024 * 1024 + 1, 0x20));

/**
 * Runs `read`, which must throw at once (a FIFO or /dev/zero must neither block nor stream). For
 * the FIFO a writer holds it open (read-write, which does not block) for 1.5 s and then exits,
 * so that a reader that blocks on the FIFO gets an empty file late and the test fails instead of
 * hanging, and no writer outlives the test.
 */
function refusal(read: () => unknown, path = ''): unknown {
  const writer = path === fifo ? spawn('sh', ['-c', 'exec 3<>"$0"; sleep 1.5', fifo], { stdio: 'ignore' }) : undefined;
  const started = performance.now();
  try {
    read();
  } catch (error) {
    expect(performance.now() - started).toBeLessThan(1000);
    return error;
  } finally {
    writer?.kill();
  }
  throw new Error('not refused');
}

describe('readBoundedFile', () => {
  test.each([
    ['a FIFO', fifo, 'not-a-file', 'is a FIFO (named pipe), not a regular file'],
    ['/dev/zero', '/dev/zero', 'not-a-file', 'is a character device, not a regular file'],
    ['a directory', directory, 'not-a-file', 'is a directory, not a regular file'],
    ['a regular file over the bound', big, 'too-large', 'is larger than 1048576 bytes'],
    ['a missing file', join(dir, 'missing.json'), 'unreadable', 'cannot be read (ENOENT)'],
  ])('refuses %s, quickly, naming the path and what it is', { timeout: 3000 }, (_, path, reason, problem) => {
    const error = refusal(() => readBoundedFile(path, 1024 * 1024), path);
    expect(error).toBeInstanceOf(FileRefused);
    expect(error).toMatchObject({ path, reason, problem, message: `${path} ${problem}` });
  });

  test('reads a regular file up to and including the bound', () => {
    expect(readBoundedFile(small, 7).toString('utf8')).toBe('{"x":1}');
    expect(readBoundedFile(big, 1024 * 1024 + 1)).toHaveLength(1024 * 1024 + 1);
  });

  test('bounds what is read, not what stat says: a /proc file reports size 0', () => {
    expect(refusal(() => readBoundedFile('/proc/self/maps', 16))).toMatchObject({ reason: 'too-large' });
  });
});

describe('every reader of a user-supplied path uses it', () => {
  const options = { checks: CHECK_LIST, allowDenyAtApprovedStage: false };

  test.each([
    [fifo, 'is a FIFO (named pipe), not a regular file; set POLICY_PATH to the policy document.'],
    ['/dev/zero', 'is a character device, not a regular file; set POLICY_PATH to the policy document.'],
    [directory, 'is a directory, not a regular file; set POLICY_PATH to the policy document.'],
    [big, 'is larger than 1048576 bytes.'],
  ])('POLICY_PATH and --policy (what-if, scan): %s', { timeout: 3000 }, (path, problem) => {
    const error = refusal(() => readPolicyFile(path, options), path);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'CONFIG.INVALID', message: `Policy ${path} ${problem}` });
  });

  test.each([
    [fifo, 'is a FIFO (named pipe), not a regular file'],
    ['/dev/zero', 'is a character device, not a regular file'],
    [directory, 'is a directory, not a regular file'],
  ])('--tenant (emulator, what-if, scan, register): %s', { timeout: 3000 }, (path, problem) => {
    const error = refusal(() => readTenantFile(path), path);
    expect(error).toBeInstanceOf(TenantFileError);
    expect(error).toMatchObject({ message: `tenant file ${path} ${problem}` });
  });
});
