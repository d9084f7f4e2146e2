import { parseCommand, readFlags, UsageError, type ParsedCommand } from '../cli/command-line.js';
import { ledgerArg, sourceArg, type LedgerArg } from '../cli/source-args.js';
import { MAX_DETAIL_LENGTH } from '../decision/resume-request.js';
import { parseGuid, type Guid } from '../guid.js';
import { ELM_STAGES, stageCapabilities, type ElmStage } from '../stages.js';
import { TENANT_SOURCE_OPTIONS, type TenantSource } from '../tenant-source.js';

/** Longest --reason kept in the ledger (as long as a detail). */
export const MAX_REASON_LENGTH = 500;

/** The stages an operator can answer with continue or deny: those Entra waits at with plain callback data. */
export const OPERATOR_STAGES: readonly ElmStage[] = ELM_STAGES.filter((stage) => {
  const caps = stageCapabilities(stage);
  return caps?.calloutKind === 'elm-request' && caps.canResume;
});

export interface ResumeArgs {
  readonly requestId: Guid;
  readonly stageInstanceId: Guid | undefined;
  /** Only instances of this custom extension count as ours when the instance is not given. */
  readonly extensionId: Guid | undefined;
  readonly decision: 'continue' | 'deny';
  /** What approvers read in My Access (customExtensionStageInstanceDetail). */
  readonly detail: string;
  /** Why, for the ledger; defaults to the detail. */
  readonly reason: string;
  /** The stage, when the request's state allows more than one and the ledger holds none. */
  readonly stage: ElmStage | undefined;
  /** Emulator only: who the ledger names (a live run names the signed-in identity). */
  readonly operator: string | undefined;
  readonly replace: boolean;
  readonly yes: boolean;
  readonly whatIf: boolean;
  readonly json: boolean;
  /** --ledger, else DECISION_LEDGER_URL; undefined: this process's memory (the emulator only). */
  readonly ledger: LedgerArg | undefined;
  readonly source: TenantSource;
}

export type ParsedResumeArgs = ParsedCommand<ResumeArgs>;

export const RESUME_USAGE = `Usage: npm run resume -- --request <id> --decision continue|deny [options]

Resumes an assignment request that waits on our custom extension, by hand: what
Resume-MgEntitlementManagementAssignmentRequest does, with the ledger's rules. Prints the exact
body (and Graph version and path) before sending it; sends nothing without --yes (or a "y" at the
prompt on a terminal). When the decision ledger already holds a decision for the stage instance,
that decision is sent again (and the output says so) unless --replace asks for yours, which is
refused once Graph received the ledger's. The ledger entry names you and your reason. A refused
resume is settled by reading the request back, as the function does.

  --request <id>               the assignment request (required)
  --decision continue|deny     the answer (required); a deny at a stage that cannot deny is refused;
                               at assignmentRequestDeterminingApprovalRequirements, continue sets the
                               default approval stage (the requestor's manager approves within 14 days)
  --stage-instance <id>        the callout instance to answer (default: the one open instance of ours)
  --extension <id>             our custom extension, when the request has open instances of others
  --stage <stage>              the stage, when the request's state allows several and the ledger holds none:
                               ${OPERATOR_STAGES.join(', ')}
  --detail <text>              what approvers read (customExtensionStageInstanceDetail), at most ${String(MAX_DETAIL_LENGTH)} characters
  --reason <text>              why, for the ledger (default: the detail), at most ${String(MAX_REASON_LENGTH)} characters
  --operator <name>            who the ledger names, emulator only (--live names the signed-in identity)
  --replace                    send your decision instead of one the ledger holds that Graph never received
  --what-if                    print the plan and the body; send and write nothing
  --yes                        send without asking
  --ledger <table URL>         the decision ledger (default: DECISION_LEDGER_URL; the emulator without either: this process's memory)
  --json                       print the result as JSON
  --tenant <file>              tenant file for the in-process tenant emulator (default: emulator/tenants/contoso.json)
  --live --tenant-id <id>      resume in a real tenant, with your own credential (DefaultAzureCredential)
  --graph <origin>             Graph origin for --live (default https://graph.microsoft.com)
  --help                       this text

Exit codes: 0 resumed (or found already resumed), or the plan printed with --what-if;
1 Graph, the ledger or the credential failed, Graph refused the resume, nothing waits for it any
more, or the prompt was declined; 2 bad arguments, no open callout instance, a stage that cannot
take the decision, a ledger decision that cannot be replaced, no --yes without a terminal.`;

const OPTIONS = {
  request: { type: 'string' },
  'stage-instance': { type: 'string' },
  extension: { type: 'string' },
  decision: { type: 'string' },
  detail: { type: 'string' },
  reason: { type: 'string' },
  stage: { type: 'string' },
  operator: { type: 'string' },
  replace: { type: 'boolean' },
  'what-if': { type: 'boolean' },
  yes: { type: 'boolean' },
  ledger: { type: 'string' },
  json: { type: 'boolean' },
  ...TENANT_SOURCE_OPTIONS,
  help: { type: 'boolean', short: 'h' },
} as const;

function guid(value: string | undefined, flag: string): Guid | undefined {
  if (value === undefined) return undefined;
  const id = parseGuid(value.trim());
  if (id === undefined) throw new UsageError(`${flag} must be a GUID, not "${value.slice(0, 80)}"`);
  return id;
}

function bounded(value: string | undefined, flag: string, max: number): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') throw new UsageError(`${flag} must not be empty`);
  if (trimmed.length > max) throw new UsageError(`${flag} is ${String(trimmed.length)} characters; at most ${String(max)}`);
  // A control character would reach approvers' screens and the ledger as it is.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) throw new UsageError(`${flag} must not hold control characters (new lines included)`);
  return trimmed;
}

function stageOf(value: string | undefined): ElmStage | undefined {
  if (value === undefined) return undefined;
  const stage = OPERATOR_STAGES.find((s) => s.toLowerCase() === value.trim().toLowerCase());
  if (stage === undefined) throw new UsageError(`--stage must be one of ${OPERATOR_STAGES.join(', ')}, not "${value.slice(0, 80)}"`);
  return stage;
}

/** The command line (after `--`) and the environment → what to resume, or why not (one line). */
export function parseResumeArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ParsedResumeArgs {
  return parseCommand(() => {
    const values = readFlags(argv, OPTIONS, { firstLine: true });
    if (values.help === true) return { kind: 'help' };
    const source = sourceArg(values);
    const requestId = guid(values.request, '--request');
    if (requestId === undefined) throw new UsageError('--request <id> is required');
    const decision = values.decision?.trim().toLowerCase();
    if (decision === undefined) throw new UsageError('--decision continue|deny is required');
    if (decision !== 'continue' && decision !== 'deny') throw new UsageError(`--decision must be continue or deny, not "${(values.decision ?? '').slice(0, 80)}"`);
    const detail = bounded(values.detail, '--detail', MAX_DETAIL_LENGTH) ?? (decision === 'deny' ? 'Denied by an operator.' : 'Continued by an operator.');
    const reason = bounded(values.reason, '--reason', MAX_REASON_LENGTH) ?? detail;
    const operator = bounded(values.operator, '--operator', 200);
    if (operator !== undefined && source.kind === 'live') throw new UsageError('--operator is for the emulator; --live names the signed-in identity');
    const ledger = ledgerArg(values.ledger, env);
    if (ledger === undefined && source.kind === 'live') throw new UsageError('--live needs the decision ledger: --ledger <table URL> or DECISION_LEDGER_URL');
    if (values.yes === true && values['what-if'] === true) throw new UsageError('give --what-if or --yes, not both');
    return {
      kind: 'run',
      args: {
        requestId,
        stageInstanceId: guid(values['stage-instance'], '--stage-instance'),
        extensionId: guid(values.extension, '--extension'),
        decision,
        detail,
        reason,
        stage: stageOf(values.stage),
        operator,
        replace: values.replace === true,
        yes: values.yes === true,
        whatIf: values['what-if'] === true,
        json: values.json === true,
        ledger,
        source,
      },
    };
  });
}
