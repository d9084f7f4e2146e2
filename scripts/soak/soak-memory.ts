import { readFileSync } from 'node:fs';

/** The resident set of a process in bytes, from /proc (Linux); undefined where there is none. */
export function residentBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${String(pid)}/status`, 'utf8'));
    return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}

export interface MemoryVerdict {
  readonly start: number | undefined;
  readonly middle: number | undefined;
  readonly end: number | undefined;
  readonly peak: number | undefined;
  /** Flat: the end within `tolerance` of the middle (both after the warm-up). */
  readonly flat: boolean;
}

/** Start after the warm-up, middle at half the callouts, end after the last; peak of every sample. */
export function memoryVerdict(samples: { start?: number | undefined; middle?: number | undefined; end?: number | undefined; all: number[] }, tolerance = 0.2): MemoryVerdict {
  const { start, middle, end } = samples;
  const seen = [...samples.all, ...[start, middle, end].filter((b) => b !== undefined)];
  const peak = seen.length === 0 ? undefined : Math.max(...seen);
  const flat = middle !== undefined && end !== undefined && end <= middle * (1 + tolerance);
  return { start, middle, end, peak, flat };
}

export const mib = (bytes: number | undefined): string => (bytes === undefined ? '-' : `${(bytes / 1024 / 1024).toFixed(1)} MiB`);
