/**
 * What the bench does with an answer it did not expect (a status other than the one wanted, or a
 * body that says something else): it keeps the first such answer and counts them, and goes on
 * measuring, so that one bad answer is a row that says so, not a run that dies. Progress lines
 * (which measurement, n of N) go to stderr, so that a user knows a run of minutes is alive.
 */

/** The first bad answer a measurement got, trimmed, and how many of its answers were bad. */
export interface BadAnswers {
  readonly count: number;
  readonly of: number;
  readonly status: number;
  /** The body received, on one line, trimmed. */
  readonly body: string;
}

/** An answer as the bench sees it: its status and its body as text. */
export interface Answer {
  readonly status: number;
  readonly text: string;
}

/** The longest body kept of a bad answer. */
export const BAD_BODY_CHARS = 80;

/** A body on one line, cut to `width` characters (… when cut). */
export function trimBody(text: string, width = BAD_BODY_CHARS): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line === '') return '(empty body)';
  return line.length <= width ? line : `${line.slice(0, width - 1)}…`;
}

/** The JSON of an answer's body, or `{}` when it is not a JSON object. */
export function jsonOf(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A callout's answer is good when it is 200 and says it resumed the request. */
export const RESUMED = (answer: Answer): boolean => answer.status === 200 && jsonOf(answer.text)['outcome'] === 'resumed';

/** Counts the answers of one measurement and keeps the first bad one. */
export class AnswerTally {
  private answers = 0;
  private bad = 0;
  private first: Answer | undefined;

  /** Records one answer; true when it was good. */
  record(answer: Answer, good: boolean): boolean {
    this.answers++;
    if (!good) {
      this.bad++;
      this.first ??= answer;
    }
    return good;
  }

  /** A failure that is not an answer (the connection refused, the process gone). */
  recordError(error: unknown): void {
    this.record({ status: 0, text: error instanceof Error ? error.message : String(error) }, false);
  }

  /** The bad answers, or undefined when every answer was good. */
  result(): BadAnswers | undefined {
    return this.first === undefined ? undefined : { count: this.bad, of: this.answers, status: this.first.status, body: trimBody(this.first.text) };
  }
}

/** Merges the bad answers of several measurements that make one row. */
export function mergeBad(...all: readonly (BadAnswers | undefined)[]): BadAnswers | undefined {
  const bad = all.filter((b): b is BadAnswers => b !== undefined);
  const [first] = bad;
  if (first === undefined) return undefined;
  return { ...first, count: bad.reduce((n, b) => n + b.count, 0), of: bad.reduce((n, b) => n + b.of, 0) };
}

/** `2 of 300 answered 500: {"code":…}` (status 0: no answer, the error's message). */
export function describeBad(bad: BadAnswers): string {
  const what = bad.status === 0 ? 'failed' : `answered ${String(bad.status)}`;
  return `${String(bad.count)} of ${String(bad.of)} ${what}: ${bad.body}`;
}

/** Sends `n` requests one after another, timing each from send to the end of its body; keeps on after a bad answer. */
export async function timedAnswers(n: number, send: () => Promise<Response>, good: (answer: Answer) => boolean, tally: AnswerTally, tick: () => void = () => undefined): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    try {
      const response = await send();
      const text = await response.text();
      const elapsed = performance.now() - started;
      if (tally.record({ status: response.status, text }, good({ status: response.status, text }))) samples.push(elapsed);
    } catch (error) {
      tally.recordError(error);
    }
    tick();
  }
  return samples;
}

/** Where progress lines go: stderr by default. */
export type ProgressSink = (line: string) => void;

export const STDERR_PROGRESS: ProgressSink = (line) => process.stderr.write(`${line}\n`);

/**
 * Progress of the run: `bench 3/12 <measurement>` when a measurement starts, then `… n of N` at
 * most every `everyMs` (and at the end) while it runs.
 */
export class Progress {
  private step = 0;

  constructor(
    private readonly steps: number,
    private readonly sink: ProgressSink = STDERR_PROGRESS,
    private readonly everyMs = 5000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A measurement starts; the function returned counts its units (callouts, runs) as they end. */
  start(label: string, total: number, unit: string): () => void {
    this.step++;
    const prefix = `bench ${String(this.step)}/${String(this.steps)}`;
    this.sink(`${prefix} ${label}: ${String(total)} ${unit}`);
    let done = 0;
    let last = this.now();
    return () => {
      done++;
      const now = this.now();
      if (done === total || now - last >= this.everyMs) {
        last = now;
        this.sink(`${prefix}   … ${String(done)} of ${String(total)} ${unit}`);
      }
    };
  }
}

/**
 * A table row as measured; when some of its answers were bad, its last cell (the ratio) says so:
 * `BAD: 2 of 300 answered 500: {…}`, and `failures` gets a line naming the row.
 */
export function rowOf(cells: readonly string[], bad: BadAnswers | undefined, failures: string[]): string[] {
  if (bad === undefined) return [...cells];
  failures.push(`${cells[0] ?? '?'}: ${describeBad(bad)}`);
  return [...cells.slice(0, -1), `BAD: ${describeBad(bad)}`];
}

/** A section of the bench that failed outright (its rig did not start, a process died): one row saying what it threw. */
export function failedRow(name: string, error: unknown, columns: number, failures: string[]): string[] {
  const message = trimBody(error instanceof Error ? error.message : String(error));
  failures.push(`${name}: failed: ${message}`);
  return [name, ...Array.from({ length: columns - 2 }, () => '-'), `FAILED: ${message}`];
}
