import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SEVERITIES, type Check, type JsonSchema } from '../../src/checks/define-check.js';
import { CHECK_LIST, CHECKS } from '../../src/checks/index.js';
import { FACT_READS } from '../../src/facts/fact-reads.js';
import { FACT_NAMES } from '../../src/facts/fact-types.js';
import { loadPolicy } from '../../src/policy/load-policy.js';
import { optionsProblem, validatorOf } from './support.js';

const ROOT = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, ROOT), 'utf8');
const HEADINGS = ['## What it checks', '## Facts and permissions', '## Options', '## Findings', '## Example', '## Limits'];

/** A doc page's headings (outside code fences) and the text under each. */
function sections(markdown: string): { headings: string[]; body: Map<string, string> } {
  const headings: string[] = [];
  const body = new Map<string, string>();
  let fenced = false;
  let current = '';
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    if (!fenced && line.startsWith('#')) {
      current = line.trim();
      headings.push(current);
      body.set(current, '');
    } else {
      body.set(current, `${body.get(current) ?? ''}${line}\n`);
    }
  }
  return { headings, body };
}
const doc = (check: Check) => sections(read(`docs/checks/${check.id}.md`));
const SAMPLE_POLICY = JSON.parse(read('policy/sample.policy.json')) as Record<string, unknown>;
/** A check's settings as the sample policy gives them (checks without settings: undefined). */
const sampleSettings = (check: Check) => (check.settings === undefined ? undefined : check.settings.compile(SAMPLE_POLICY[check.settings.key]));

type SchemaProblem = string;
/** Every property documented, every object closed, no $id, at every depth (conditions under `if` are not properties). */
function schemaProblems(schema: unknown, at: string): SchemaProblem[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const s = schema as Record<string, unknown>;
  const problems: SchemaProblem[] = [];
  if ('$id' in s) problems.push(`${at} has $id`);
  if (s['type'] === 'object' && s['additionalProperties'] !== false) problems.push(`${at} is not closed (additionalProperties: false)`);
  for (const [name, property] of Object.entries((s['properties'] ?? {}) as Record<string, unknown>)) {
    const described = typeof property === 'object' && property !== null && typeof (property as Record<string, unknown>)['description'] === 'string';
    if (!described) problems.push(`${at}/properties/${name} has no description`);
    problems.push(...schemaProblems(property, `${at}/properties/${name}`));
  }
  problems.push(...schemaProblems(s['items'], `${at}/items`), ...schemaProblems(s['then'], `${at}/then`), ...schemaProblems(s['else'], `${at}/else`));
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    for (const [i, sub] of ((s[key] ?? []) as unknown[]).entries()) problems.push(...schemaProblems(sub, `${at}/${key}/${i}`));
  }
  return problems;
}

const cases = CHECK_LIST.map((check) => [check.id, check] as const);

describe('the registry', () => {
  it('is sorted by id', () => {
    const keys = Object.keys(CHECKS);
    expect(keys).toEqual([...keys].sort());
  });

  it.each(Object.entries(CHECKS))('%s: id is kebab-case, equals its key, has its file and its doc', (key, check) => {
    expect(check.id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
    expect(check.id).toBe(key);
    expect(existsSync(new URL(`src/checks/${check.id}.ts`, ROOT))).toBe(true);
    expect(existsSync(new URL(`docs/checks/${check.id}.md`, ROOT))).toBe(true);
  });

  it.each(cases)('%s: describes itself and runs somewhere', (_id, check) => {
    expect(check.description.length).toBeGreaterThan(20);
    expect(check.appliesTo.length).toBeGreaterThan(0);
    expect(SEVERITIES).toContain(check.severity);
  });
});

describe('options', () => {
  it.each(cases)('%s: defaults pass the schema and the semantic check', (_id, check) => {
    const validate = validatorOf(check);
    expect(validate(check.defaultOptions), JSON.stringify(validate.errors)).toBe(true);
    expect(check.optionsProblem(check.defaultOptions, sampleSettings(check))).toBeUndefined();
  });

  it.each(cases)('%s: an unknown option is rejected', (_id, check) => {
    expect(optionsProblem(check, { surelyNotAnOption: 1 })).toEqual({ path: '', message: 'unknown field "surelyNotAnOption"' });
  });

  it.each(cases)('%s: every schema property is described, every object closed, no $id', (_id, check) => {
    expect(schemaProblems(check.optionsSchema, '#')).toEqual([]);
    if (check.settings !== undefined) expect(schemaProblems(check.settings.schema, `#/${check.settings.key}`)).toEqual([]);
  });

  it.each(cases)('%s: nothing with a default is required (defaults are merged before validation)', (_id, check) => {
    const required = (check.optionsSchema['required'] ?? []) as string[];
    expect(required.filter((name) => name in check.defaultOptions)).toEqual([]);
    expect(Object.keys(check.defaultOptions).filter((name) => !(name in (check.optionsSchema['properties'] as JsonSchema)))).toEqual([]);
  });
});

describe('messages and facts', () => {
  it.each(cases)('%s: every template is short, non-empty and well formed', (_id, check) => {
    expect(Object.keys(check.messages).length).toBeGreaterThan(0);
    for (const [messageId, template] of Object.entries(check.messages)) {
      expect(messageId).toMatch(/^[a-z][A-Za-z]*$/);
      expect(template.trim().length, messageId).toBeGreaterThan(10);
      // Five findings together must fit the 500 characters approvers see.
      expect(template.length, messageId).toBeLessThanOrEqual(100);
      expect(template.replace(/\{\{[a-z][A-Za-z]*\}\}/g, ''), `${messageId}: placeholders are {{camelCase}}`).not.toMatch(/[{}]/);
    }
  });

  it.each(cases)('%s: every messageId written in its source is a message', (_id, check) => {
    const source = read(`src/checks/${check.id}.ts`);
    const written = [...source.matchAll(/messageId: '(\w+)'/g)].map((m) => m[1] ?? '');
    expect(written.filter((id) => !(id in check.messages))).toEqual([]);
  });

  it.each(cases)('%s: needs only known facts', (_id, check) => {
    // A check may need nothing with its defaults (activation-window reads groups only for its exception groups).
    for (const fact of check.needsFor(check.defaultOptions)) expect(FACT_NAMES).toContain(fact);
  });
});

describe('docs', () => {
  it.each(cases)('%s: the same headings as every other check', (id, check) => {
    expect(doc(check).headings).toEqual([`# ${id}`, ...HEADINGS]);
  });

  it.each(cases)('%s: names the permission of every fact it reads', (_id, check) => {
    const facts = doc(check).body.get('## Facts and permissions') ?? '';
    for (const fact of check.needsFor(check.defaultOptions)) {
      expect(facts).toContain(`\`${fact}\``);
      expect(facts).toContain(`\`${FACT_READS[fact].permission}\``);
    }
  });

  it.each(cases)('%s: documents every option and every finding', (_id, check) => {
    const { body } = doc(check);
    for (const option of Object.keys(check.optionsSchema['properties'] as JsonSchema)) expect(body.get('## Options')).toContain(`| \`${option}\``);
    for (const messageId of Object.keys(check.messages)) expect(body.get('## Findings')).toContain(`| \`${messageId}\``);
  });

  it.each(cases)('%s: the example is a scope entry the policy loader accepts (with its settings section, if it reads one)', (id, check) => {
    const blocks = [...(doc(check).body.get('## Example') ?? '').matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1] ?? '{}') as Record<string, unknown>);
    const [entry = {}, settings = {}] = blocks;
    expect(blocks).toHaveLength(check.settings === undefined ? 1 : 2);
    expect(Object.keys(entry).sort()).toEqual(['action', 'id', 'options']);
    if (check.settings !== undefined) expect(Object.keys(settings)).toEqual([check.settings.key]);
    const policy = loadPolicy(JSON.stringify({ ...settings, scopes: [{ name: 'example', checks: [entry] }] }), `docs/checks/${id}.md`, { checks: CHECK_LIST, allowDenyAtApprovedStage: false });
    expect(policy.scopes[0]?.checks[0]?.check.id).toBe(id);
  });
});
