import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { CalloutInput } from '../src/callout/handle-callout.js';
import type { Deps } from '../src/composition.js';
import { describeError } from '../src/errors.js';
import type { Logger } from '../src/ports.js';
import { contextLogger } from './context-logger.js';
import { errorAnswer } from './http-answers.js';

export interface RouteOptions<T> {
  /** Prefix of the route's log events (`callout`, `pim`). */
  readonly name: string;
  /** Correlation headers the caller may send, echoed (clipped) in the record and the log. */
  readonly correlationHeaders: readonly string[];
  handle(input: CalloutInput, services: Deps, logger: Logger): Promise<T>;
  answer(result: T): HttpResponseInit;
}

/**
 * A POST route as a thin adapter: the raw request (token, content type, bytes, correlation) to
 * the handler in src/, its result to an answer, any failure (a bad configuration included) to
 * problem+json through the one mapping of error codes.
 */
export function postHandler<T>(deps: () => Deps, route: RouteOptions<T>) {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const correlation: Record<string, string> = { invocationId: context.invocationId };
    for (const name of route.correlationHeaders) {
      const value = request.headers.get(name);
      if (value !== null) correlation[name] = value.slice(0, 200);
    }
    let services: Deps;
    try {
      services = deps();
    } catch (error) {
      context.error(JSON.stringify({ event: `${route.name}.misconfigured`, message: describeError(error) }));
      return errorAnswer(error, context.invocationId);
    }
    try {
      const input: CalloutInput = {
        authorization: request.headers.get('authorization'),
        contentType: request.headers.get('content-type'),
        body: new Uint8Array(await request.arrayBuffer()),
        correlation,
      };
      return route.answer(await route.handle(input, services, contextLogger(context)));
    } catch (error) {
      return errorAnswer(error, context.invocationId);
    }
  };
}
