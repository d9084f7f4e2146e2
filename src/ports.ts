/** Narrow interfaces the core speaks to; adapters implement them. */

export interface Clock {
  /** Milliseconds, monotonic enough for timings and deadlines. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export type LogFields = Readonly<Record<string, unknown>>;

/** Structured events: one name, flat fields. Never pass tokens or secrets. */
export interface Logger {
  info(event: string, fields: LogFields): void;
  warn(event: string, fields: LogFields): void;
  error(event: string, fields: LogFields): void;
}
