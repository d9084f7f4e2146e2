import type { InvocationContext, Timer, TimerFunctionOptions } from '@azure/functions';
import type { Logger } from '../src/ports.js';
import { contextLogger } from './context-logger.js';

/** How a timer is registered: app.timer, or a test's stand-in. */
export type RegisterTimer = (name: string, options: TimerFunctionOptions) => void;

/** A job a timer runs, built (and validated) at start-up. */
export interface TimerJob {
  run(logger: Logger): Promise<unknown>;
}

/** Registers `name` on its NCRONTAB schedule, not on start-up: each run is the job's, logged through the invocation. */
export function registerTimerJob(register: RegisterTimer, name: string, schedule: string, job: TimerJob): void {
  register(name, {
    schedule,
    runOnStartup: false,
    handler: async (_timer: Timer, context: InvocationContext) => {
      await job.run(contextLogger(context));
    },
  });
}
