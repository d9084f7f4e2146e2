/**
 * Ledger writes made after the answer's path (an entry's state once Graph answered): tracked so
 * that a host can wait for them before it stops, and tests before they read the ledger. A lost
 * one costs nothing but a re-confirmation: the next reader of a `decided` entry sends its body
 * again, and Graph's read-back says it was already received.
 */
export class Recordings {
  private readonly pending = new Set<Promise<void>>();

  track(write: Promise<void>, onError: (error: unknown) => void): void {
    const settled = write.catch(onError).finally(() => this.pending.delete(settled));
    this.pending.add(settled);
  }

  /** Resolves when every write tracked so far has ended (well or not). */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
