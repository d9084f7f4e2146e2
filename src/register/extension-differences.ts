import { parseIsoDuration } from '../checks/support/iso-duration.js';
import type { Relay } from './graph-shapes.js';

type Json = Readonly<Record<string, unknown>>;

const obj = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});
const lower = (value: unknown): string => (typeof value === 'string' ? value.toLowerCase() : '');
const LOGIC_APP = '#microsoft.graph.logicAppTriggerEndpointConfiguration';
const POP = '#microsoft.graph.azureAdPopTokenAuthentication';

/** One property of an extension that is not as asked: Graph's property path, what is stored and what is wanted. */
export interface Difference {
  readonly property: string;
  /** The property in a few words, for the plan's one-line detail. */
  readonly label: string;
  readonly stored: string;
  readonly wanted: string;
}

/** A duration in milliseconds, so PT60M and PT1H are the same window; undefined when it has years or months or does not parse. */
function windowMs(value: unknown): number | undefined {
  const d = typeof value === 'string' ? parseIsoDuration(value) : undefined;
  return d === undefined || d.years !== 0 || d.months !== 0 ? undefined : d.days * 86_400_000 + d.milliseconds;
}

/** Graph writes `@odata.type` with or without the `#`. */
const sameType = (a: unknown, b: string): boolean => typeof a === 'string' && (a.startsWith('#') ? a : `#${a}`) === b;

/** Properties of a callback configuration that are not a window: OData annotations, and the task extension's authorizedApps. */
const NOT_A_WINDOW = (key: string): boolean => key.includes('@') || key === 'timeoutDuration' || key === 'authorizedApps';

/**
 * The stored window when Graph holds none under `timeoutDuration`: `none`, naming what the
 * callback configuration holds instead (`none (it holds durationBeforeTimeout: PT1H)`), so a
 * window written under another name is not reported as missing without a word.
 */
function noWindow(configuration: Json): string {
  const others = Object.entries(configuration).filter(([key]) => !NOT_A_WINDOW(key));
  if (others.length === 0) return 'none';
  return `none (it holds ${others.map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`).join(', ')})`;
}

/** What a custom task extension adds to compare: the relay's answer timeout, and with least privilege the app it authorizes. */
export interface TaskWanted {
  readonly timeoutMs: number;
  /** The function identity's app (client) id in callbackConfiguration.authorizedApps; undefined with the broad grant (not compared). */
  readonly authorizedApp: string | undefined;
}

/** The app ids a stored authorizedApps lists (each entry's `id`, or `appId`), lower-cased and sorted; undefined when Graph shows no list. */
function authorizedAppIds(configuration: Json): string[] | undefined {
  const apps = configuration['authorizedApps'];
  if (!Array.isArray(apps)) return undefined;
  return apps.map((a) => lower(obj(a)['id'] ?? obj(a)['appId'])).sort();
}

function taskDifferences(stored: Json, configuration: Json, task: TaskWanted): Difference[] {
  const found: Difference[] = [];
  const timeout = obj(stored['clientConfiguration'])['timeoutInMilliseconds'];
  if (timeout !== task.timeoutMs) {
    found.push({ property: 'clientConfiguration.timeoutInMilliseconds', label: 'relay answer timeout', stored: typeof timeout === 'number' ? `${timeout} ms` : 'none', wanted: `${task.timeoutMs} ms` });
  }
  if (task.authorizedApp === undefined) return found;
  const apps = authorizedAppIds(configuration);
  if (apps === undefined || apps.join(',') !== task.authorizedApp.toLowerCase()) {
    found.push({ property: 'callbackConfiguration.authorizedApps', label: 'authorized apps', stored: apps === undefined ? 'none' : `[${apps.join(', ')}]`, wanted: `[${task.authorizedApp.toLowerCase()}]` });
  }
  return found;
}

/**
 * What differs between an extension (or custom task extension) as Graph holds it and as asked:
 * the relay (ARM names are case-insensitive), PoP authentication, and the callback window, read
 * as Graph's metadata names it (`callbackConfiguration.timeoutDuration`). A window Graph holds
 * under any other name reads as none, and the stored text names what Graph holds there. A custom
 * task extension (`task` given) also compares the relay's answer timeout and, with least
 * privilege, `callbackConfiguration.authorizedApps`: exactly the function's app, none else.
 */
export function extensionDifferences(stored: Json, relay: Relay, callback: string, task?: TaskWanted): Difference[] {
  const endpoint = obj(stored['endpointConfiguration']);
  const found: Difference[] = [];
  const target = `${relay.subscriptionId}/${relay.resourceGroupName}/${relay.logicAppWorkflowName}`;
  const now = `${String(endpoint['subscriptionId'])}/${String(endpoint['resourceGroupName'])}/${String(endpoint['logicAppWorkflowName'])}`;
  if (lower(now) !== lower(target) || !sameType(endpoint['@odata.type'], LOGIC_APP)) {
    found.push({ property: 'endpointConfiguration', label: 'relay', stored: now, wanted: target });
  }
  const auth = obj(stored['authenticationConfiguration'])['@odata.type'];
  if (!sameType(auth, POP)) found.push({ property: 'authenticationConfiguration', label: 'authentication', stored: String(auth), wanted: 'azureAdPopTokenAuthentication' });
  const configuration = obj(stored['callbackConfiguration']);
  const window = configuration['timeoutDuration'];
  if (windowMs(window) !== windowMs(callback)) {
    found.push({ property: 'callbackConfiguration.timeoutDuration', label: 'callback window', stored: typeof window === 'string' ? window : noWindow(configuration), wanted: callback });
  }
  return task === undefined ? found : [...found, ...taskDifferences(stored, configuration, task)];
}

/** `relay A → B`: how the plan says it. */
export const planWords = (d: Difference): string => `${d.label} ${d.stored} → ${d.wanted}`;

