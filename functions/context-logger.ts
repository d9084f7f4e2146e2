import type { InvocationContext } from '@azure/functions';
import type { Logger } from '../src/ports.js';

/** The Logger port on a Functions invocation: one JSON line an event, at the event's level. */
export function contextLogger(context: InvocationContext): Logger {
  const line = (event: string, fields: object) => JSON.stringify({ event, ...fields });
  return {
    info: (event, fields) => { context.info(line(event, fields)); },
    warn: (event, fields) => { context.warn(line(event, fields)); },
    error: (event, fields) => { context.error(line(event, fields)); },
  };
}
