import { GraphTransportError, type GraphAnswer, type GraphCall, type GraphHttp } from '../../src/graph/graph-http.js';
import type { Clock } from '../../src/ports.js';

/** A clock whose sleeps pass instantly and advance its time. */
export class VirtualClock implements Clock {
  time = 1_000_000;
  readonly sleeps: number[] = [];
  now(): number {
    return this.time;
  }
  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
    return Promise.resolve();
  }
}

export type Scripted = GraphAnswer | GraphTransportError | ((call: GraphCall) => GraphAnswer | GraphTransportError);

export function answer(status: number, json?: unknown, retryAfterSeconds?: number): GraphAnswer {
  return { status, json, retryAfterSeconds, requestId: undefined };
}

export function transport(kind: 'network' | 'timeout' | 'identity'): GraphTransportError {
  return new GraphTransportError(kind, `scripted ${kind} failure`);
}

/** A Graph that answers POSTs and GETs from scripts, in order, and records every call. */
export class ScriptedGraph implements GraphHttp {
  readonly calls: GraphCall[] = [];
  constructor(
    private readonly posts: Scripted[] = [],
    private readonly gets: Scripted[] = [],
    private readonly clock?: VirtualClock,
    private readonly latencyMs = 0,
  ) {}

  send(call: GraphCall): Promise<GraphAnswer> {
    this.calls.push(call);
    if (this.clock !== undefined) this.clock.time += this.latencyMs;
    const next = (call.method === 'POST' ? this.posts : this.gets).shift();
    if (next === undefined) return Promise.reject(new Error(`unscripted ${call.method} ${call.path}`));
    const result = typeof next === 'function' ? next(call) : next;
    return result instanceof GraphTransportError ? Promise.reject(result) : Promise.resolve(result);
  }

  count(method: 'GET' | 'POST'): number {
    return this.calls.filter((c) => c.method === method).length;
  }
}
