import { app, type HttpFunctionOptions, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { handleCallout } from '../src/callout/handle-callout.js';
import type { Deps } from '../src/composition.js';
import { describeError } from '../src/errors.js';
import { contextLogger } from './context-logger.js';
import { getDeps } from './deps.js';
import { decisionAnswer, errorAnswer } from './http-answers.js';

/** Correlation headers the relay forwards (Logic Apps run and tracking ids). */
const CORRELATION_HEADERS = ['x-ms-workflow-run-id', 'x-ms-client-tracking-id', 'x-ms-correlation-id', 'x-ms-client-request-id'];

/** POST /api/callout: the relay forwards Entra's callout here. */
export function createCalloutHandler(deps: () => Deps) {
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
      context.error(JSON.stringify({ event: 'callout.misconfigured', message: describeError(error) }));
      return errorAnswer(error, context.invocationId);
    }
    try {
      const record = await handleCallout(
        {
          authorization: request.headers.get('authorization'),
          contentType: request.headers.get('content-type'),
          body: new Uint8Array(await request.arrayBuffer()),
          correlation,
        },
        services,
        contextLogger(context),
      );
      return decisionAnswer(record);
    } catch (error) {
      return errorAnswer(error, context.invocationId);
    }
  };
}

export const callout: HttpFunctionOptions = {
  methods: ['POST'],
  authLevel: 'anonymous', // the caller is verified in code (and by Easy Auth in Azure): no function keys
  route: 'callout',
  handler: createCalloutHandler(getDeps),
};

app.http('callout', callout);
