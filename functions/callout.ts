import { app, type HttpFunctionOptions } from '@azure/functions';
import { handleCallout } from '../src/callout/handle-callout.js';
import type { Deps } from '../src/composition.js';
import { getDeps } from './deps.js';
import { decisionAnswer } from './http-answers.js';
import { postHandler } from './http-route.js';

/** Correlation headers the relay forwards (Logic Apps run and tracking ids). */
const CORRELATION_HEADERS = ['x-ms-workflow-run-id', 'x-ms-client-tracking-id', 'x-ms-correlation-id', 'x-ms-client-request-id'];

/** POST /api/callout: the relay forwards Entra's callout here. */
export function createCalloutHandler(deps: () => Deps) {
  return postHandler(deps, { name: 'callout', correlationHeaders: CORRELATION_HEADERS, handle: handleCallout, answer: decisionAnswer });
}

export const callout: HttpFunctionOptions = {
  methods: ['POST'],
  authLevel: 'anonymous', // the caller is verified in code (and by Easy Auth in Azure): no function keys
  route: 'callout',
  handler: createCalloutHandler(getDeps),
};

app.http('callout', callout);
