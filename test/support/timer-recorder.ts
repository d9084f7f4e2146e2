import type { TimerFunctionOptions } from '@azure/functions';

/** A stand-in for app.timer: what was registered, by name, with its options. */
export function recorder() {
  const registered: [string, TimerFunctionOptions][] = [];
  return { registered, register: (name: string, options: TimerFunctionOptions) => { registered.push([name, options]); } };
}
