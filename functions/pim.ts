import { app, type HttpFunctionOptions, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import type { Deps } from '../src/composition.js';
import { describeError } from '../src/errors.js';
import { handleActivation } from '../src/pim/handle-activation.js';
import { contextLogger } from './context-logger.js';
import { getDeps } from './deps.js';
import { errorAnswer, pimAnswer } from './http-answers.js';

/** Correlation headers PIM's call may carry. */
const CORRELATION_HEADERS = ['x-ms-correlation-id', 'x-ms-client-request-id', 'client-request-id'];

/** POST /api/pim: PIM's custom extension calls here during a role activation and waits for the answer. */
export function createPimHandler(deps: () => Deps) {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const correlation: Record<string, string> = { invocationId: context.invocationId };
    for (const name of CORRELATION_HEADERS) {
      const value = request.headers.get(name);
      if (value !== null) correlation[name] = value.slice(0, 200);
    }
    let services: Deps;
    try {
      services = deps();
    } catch (error) {
      context.error(JSON.stringify({ event: 'pim.misconfigured', message: describeError(error) }));
      return errorAnswer(error, context.invocationId);
    }
    try {
      const answer = await handleActivation(
        {
          authorization: request.headers.get('authorization'),
          contentType: request.headers.get('content-type'),
          body: new Uint8Array(await request.arrayBuffer()),
          correlation,
        },
        services,
        contextLogger(context),
      );
      return pimAnswer(answer);
    } catch (error) {
      return errorAnswer(error, context.invocationId);
    }
  };
}

export const pim: HttpFunctionOptions = {
  methods: ['POST'],
  authLevel: 'anonymous', // PIM's token is verified in code (and by Easy Auth in Azure): no function keys
  route: 'pim',
  handler: createPimHandler(getDeps),
};

app.http('pim', pim);
