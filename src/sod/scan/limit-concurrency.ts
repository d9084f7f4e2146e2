/** Runs async tasks at most `concurrency` at a time, in the order they were asked for. */
export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Rejects every queued task and any later one with `reason`; running tasks finish on their own. */
  cancel(reason: Error): void;
}

export function createLimiter(concurrency: number): Limiter {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, not ${String(concurrency)}`);
  const queue: { start: () => void; stop: (reason: Error) => void }[] = [];
  let running = 0;
  let cancelled: Error | undefined;

  const release = () => {
    running--;
    const next = queue.shift();
    if (next !== undefined) next.start();
  };

  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      if (cancelled !== undefined) return Promise.reject(cancelled);
      return new Promise<T>((resolve, reject) => {
        const start = () => {
          running++;
          void Promise.resolve().then(task).then(resolve, reject).finally(release);
        };
        if (running < concurrency) start();
        else queue.push({ start, stop: reject });
      });
    },
    cancel(reason) {
      cancelled = reason;
      for (const waiting of queue.splice(0)) waiting.stop(reason);
    },
  };
}
