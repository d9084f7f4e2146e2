// Issue 6, item 1: the managed-identity endpoint dropping connections, then recovering (its own
// file: see identity-row.ts).
import { test } from 'vitest';
import { identityOutageThenRecovery } from './identity-row.js';

test('managed-identity endpoint dropping the connection → 503 + Retry-After, no Graph call; recovered, the relay’s retry resumes once', async () => {
  await identityOutageThenRecovery({ drop: 'before-handling' });
});
