import { ledgerLocation, type LedgerLocation } from '../ledger/ledger-url.js';
import { tenantSourceOf, type TenantSource, type TenantSourceFlags } from '../tenant-source.js';
import { UsageError } from './command-line.js';

/** The decision ledger a command was given, and where its URL came from (for messages). */
export interface LedgerArg {
  readonly location: LedgerLocation;
  readonly from: '--ledger' | 'DECISION_LEDGER_URL';
}

/** The tenant source the flags (TENANT_SOURCE_OPTIONS) name; else a UsageError. */
export function sourceArg(flags: TenantSourceFlags): TenantSource {
  const source = tenantSourceOf(flags);
  if ('problem' in source) throw new UsageError(source.problem);
  return source;
}

/** --ledger, else DECISION_LEDGER_URL (an empty one is none); undefined when neither; a bad URL is a UsageError. */
export function ledgerArg(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): LedgerArg | undefined {
  const fromEnv = env['DECISION_LEDGER_URL']?.trim();
  const [text, from] = flag !== undefined ? [flag.trim(), '--ledger' as const] : [fromEnv === '' ? undefined : fromEnv, 'DECISION_LEDGER_URL' as const];
  if (text === undefined) return undefined;
  const location = ledgerLocation(text);
  if ('problem' in location) throw new UsageError(`${from} ${location.problem}`);
  return { location, from };
}
