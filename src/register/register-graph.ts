import { isAppError } from '../errors.js';
import { GraphTransportError, graphErrorCode, graphErrorMessage, type GraphAnswer, type GraphCall, type GraphHttp } from '../graph/graph-http.js';
import { InvalidPage, isGraphPage, walkPages } from '../graph/paging.js';
import { attempt, backOff, Deadline, sendWithRetry } from '../graph/retry.js';
import type { Clock } from '../ports.js';
import { RegisterError } from './register-error.js';

/** What a call needs: the application permission, and for a signed-in user the Entra roles that allow it. */
export interface Permission {
  readonly permission: string;
  readonly roles: string;
}

/** Graph's permission tables: one write permission covers the reads of each family. */
export const ELM_PERMISSION: Permission = {
  permission: 'EntitlementManagement.ReadWrite.All',
  roles: 'Catalog owner of the catalog, or Identity Governance Administrator',
};
export const LCW_PERMISSION: Permission = {
  permission: 'LifecycleWorkflows.ReadWrite.All (or LifecycleWorkflows-CustomExt.ReadWrite.All)',
  roles: 'Lifecycle Workflows Administrator',
};

export interface RegisterGraphOptions {
  readonly clock: Clock;
  /** Time one Graph call may take. */
  readonly timeoutMs: number;
  /** Time one call may spend, retries included. */
  readonly budgetMs: number;
  /** Graph's origin: nextLinks must stay on it. */
  readonly graphOrigin: string;
}

/** Graph's own words for a refusal, for the one-line error. */
function graphMessage(answer: GraphAnswer): string {
  const message = graphErrorMessage(answer);
  return message === '' ? '' : `: ${message}`;
}

function refused(answer: GraphAnswer, what: string, permission: Permission): RegisterError {
  if (answer.status === 401 || answer.status === 403) {
    return new RegisterError(1, `Graph refused to ${what} (${answer.status} ${graphErrorCode(answer)}): the signed-in identity needs ${permission.permission}, and signed in as a user a role such as ${permission.roles}`);
  }
  return new RegisterError(1, `Graph refused to ${what} (${answer.status} ${graphErrorCode(answer)})${graphMessage(answer)}`);
}

/** A retried call that ran out of budget, a transport failure, a page that cannot be followed: exit 1 with what happened. */
function failed(error: unknown, what: string): never {
  if (error instanceof RegisterError) throw error;
  if (isAppError(error)) throw new RegisterError(1, `could not ${what}: ${error.message}`, { cause: error });
  if (error instanceof GraphTransportError) throw new RegisterError(1, `could not ${what}: ${error.message}`, { cause: error });
  if (error instanceof InvalidPage) throw new RegisterError(1, `could not ${what}: ${error.message}`, { cause: error });
  throw error;
}

/**
 * Graph for the register command. Reads, PUT, PATCH and DELETE are safe to repeat and are
 * retried on 408/429/5xx and lost answers within the budget; a POST (a create) is retried on 429
 * only, because a lost answer may hide a create that happened: then the command stops, and
 * running it again finds what exists first. Refusals name the permission they need.
 */
export class RegisterGraph {
  constructor(
    private readonly http: GraphHttp,
    private readonly options: RegisterGraphOptions,
  ) {}

  /** A read: its answer when 2xx or 404 (the caller says what a 404 means). */
  async read(call: GraphCall, what: string, permission: Permission): Promise<GraphAnswer> {
    const answer = await this.retried(call, what);
    if ((answer.status >= 200 && answer.status < 300) || answer.status === 404) return answer;
    throw refused(answer, what, permission);
  }

  /** Every item of a collection, page by page. */
  async readAll(call: GraphCall, what: string, permission: Permission): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    try {
      const walk = await walkPages((c) => this.retried(c, what), call, { graphOrigin: this.options.graphOrigin, isPage: isGraphPage }, (page) => {
        items.push(...page.filter((i): i is Record<string, unknown> => typeof i === 'object' && i !== null));
      });
      if (!walk.complete) throw refused(walk.answer, what, permission);
      return items;
    } catch (error) {
      return failed(error, what);
    }
  }

  /** A write: its 2xx answer (a DELETE's 404 too: what was to go is gone). */
  async write(call: GraphCall, what: string, permission: Permission): Promise<GraphAnswer> {
    const answer = call.method === 'POST' ? await this.posted(call, what) : await this.retried(call, what);
    if ((answer.status >= 200 && answer.status < 300) || (call.method === 'DELETE' && answer.status === 404)) return answer;
    throw refused(answer, what, permission);
  }

  private async retried(call: GraphCall, what: string): Promise<GraphAnswer> {
    try {
      return await sendWithRetry(this.http, call, this.deadline(), this.options);
    } catch (error) {
      return failed(error, what);
    }
  }

  private async posted(call: GraphCall, what: string): Promise<GraphAnswer> {
    const deadline = this.deadline();
    try {
      for (let n = 1; ; n++) {
        const result = await attempt(this.http, call, deadline, this.options);
        if (result instanceof GraphTransportError) {
          throw new RegisterError(1, `no answer to the request to ${what} (${result.message}); it may have been made: run the command again, it reads what exists before writing`);
        }
        if (result.status !== 429) return result;
        await backOff(result, n, deadline, this.options);
      }
    } catch (error) {
      return failed(error, what);
    }
  }

  private deadline(): Deadline {
    return Deadline.after(this.options.clock, this.options.budgetMs);
  }
}
