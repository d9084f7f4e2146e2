import { app, type HttpFunctionOptions } from '@azure/functions';
import type { Deps } from '../src/composition.js';
import { handleActivation } from '../src/pim/handle-activation.js';
import { getDeps } from './deps.js';
import { pimAnswer } from './http-answers.js';
import { postHandler } from './http-route.js';

/** POST /api/pim: PIM's custom extension calls here during a role activation and waits for the answer. */
export function createPimHandler(deps: () => Deps) {
  return postHandler(deps, { name: 'pim', correlationHeaders: ['x-ms-correlation-id', 'x-ms-client-request-id', 'client-request-id'], handle: handleActivation, answer: pimAnswer });
}

export const pim: HttpFunctionOptions = {
  methods: ['POST'],
  authLevel: 'anonymous', // PIM's token is verified in code (and by Easy Auth in Azure): no function keys
  route: 'pim',
  handler: createPimHandler(getDeps),
};

app.http('pim', pim);
