/**
 * A finding's evidence as a person reads it. Separation-of-duties evidence (src/sod/describe-
 * conflict.ts) gets its own layout: the rule and its owner, each side's items with where each
 * comes from, the exemption that applied or the expired ones; any other evidence is listed as
 * name: value pairs.
 */

type Json = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const list = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);

const STATUS: Readonly<Record<string, string>> = {
  new: 'new conflict: the request creates it',
  extended: 'extended conflict: the request adds to one already held',
  existing: 'existing conflict: already held, not touched by the request',
};

const KIND: Readonly<Record<string, string>> = {
  accessPackage: 'access package',
  group: 'group',
  directoryRole: 'directory role',
  appRole: 'app role',
};

/** Whether evidence is a separation-of-duties conflict: a rule with an id and its sides. */
function isConflict(evidence: Json): boolean {
  return isObject(evidence['rule']) && text(evidence['rule']['id']) !== undefined && Array.isArray(evidence['sides']);
}

function exemptionLine(value: unknown): string {
  if (!isObject(value)) return 'an exemption';
  const principal = isObject(value['principal']) ? `${text(value['principal']['kind']) ?? 'principal'} ${text(value['principal']['id']) ?? '?'}` : 'a principal';
  const parts = [text(value['reason']), text(value['ticket']) === undefined ? undefined : `ticket ${text(value['ticket']) ?? ''}`, text(value['expires']) === undefined ? 'no expiry' : `expires ${text(value['expires']) ?? ''}`];
  return `${principal}: ${parts.filter((p) => p !== undefined).join(', ')}`;
}

function conflictLines(evidence: Json): string[] {
  const rule = evidence['rule'] as Json;
  const head = [`Rule ${text(rule['id']) ?? '?'} "${text(rule['title']) ?? ''}"`];
  const owner = text(rule['owner']);
  if (owner !== undefined) head.push(`owner ${owner}`);
  const lines = [head.join(', '), STATUS[text(evidence['status']) ?? ''] ?? `status ${String(evidence['status'])}`];
  for (const side of list(evidence['sides'])) {
    if (!isObject(side)) continue;
    const items = list(side['items']);
    const count = typeof side['count'] === 'number' ? side['count'] : items.length;
    lines.push(`${text(side['name']) ?? 'side'} (${count} item${count === 1 ? '' : 's'}):`);
    for (const item of items) {
      if (!isObject(item)) continue;
      const kind = KIND[text(item['kind']) ?? ''] ?? text(item['kind']) ?? 'entitlement';
      lines.push(`  ${text(item['displayName']) ?? text(item['key']) ?? '?'} (${kind}): ${text(item['from']) ?? 'source unknown'}`);
    }
    if (count > items.length) lines.push(`  … and ${count - items.length} more`);
  }
  const control = text(rule['mitigatingControl']);
  if (control !== undefined) lines.push(`Mitigating control: ${control}`);
  lines.push(evidence['exemption'] === undefined ? 'Exemption: none applies' : `Exemption applied: ${exemptionLine(evidence['exemption'])}`);
  const expired = list(evidence['expiredExemptions']);
  if (expired.length > 0) lines.push(`Expired exemption${expired.length === 1 ? '' : 's'}: ${expired.map(exemptionLine).join('; ')}`);
  return lines;
}

function valueText(value: unknown): string {
  if (value === null || value === undefined) return 'none';
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

/** The lines that show one finding's evidence (without indentation); empty when it has none. */
export function evidenceLines(evidence: Json | undefined): string[] {
  if (evidence === undefined) return [];
  if (isConflict(evidence)) return conflictLines(evidence);
  const pairs = Object.entries(evidence).map(([name, value]) => `${name}: ${valueText(value)}`);
  return pairs.length === 0 ? [] : [`Evidence: ${pairs.join('; ')}`];
}
