import type { Answer } from '../callout/model.js';
import { isRemoval } from '../request-types.js';
import { defineCheck, type Report } from './define-check.js';
import { clip, compilePattern, visibleLength } from './support/text.js';

interface Question {
  readonly questionId?: string;
  readonly questionText?: string;
  readonly required?: boolean;
  readonly minLength?: number;
  readonly pattern?: string;
  readonly patternDescription?: string;
}

/** What a PIM activation's ticketInfo must hold. */
interface Ticket {
  readonly required: boolean;
  /** Ticket systems accepted (compared without case); empty: any. */
  readonly systems: readonly string[];
  readonly numberPattern?: string;
}

interface Options {
  readonly ticket: Ticket;
  readonly minLength: number;
  readonly pattern?: string;
  readonly patternDescription: string;
  readonly patternIn: 'justification' | 'answers' | 'either';
  readonly questions: readonly Question[];
}

const DEFAULTS: Options = { minLength: 10, patternDescription: 'required reference', patternIn: 'either', questions: [], ticket: { required: false, systems: [] } };

const MESSAGES = {
  missing: 'There is no justification; at least {{min}} characters are required.',
  tooShort: 'The justification is {{length}} characters; at least {{min}} are required.',
  patternMissing: 'No {{what}} ({{pattern}}) in the {{searched}}.',
  answerMissing: 'The question "{{question}}" is not answered.',
  answerTooShort: 'The answer to "{{question}}" is {{length}} characters; at least {{min}} are required.',
  answerPatternMissing: 'No {{what}} ({{pattern}}) in the answer to "{{question}}".',
  ticketMissing: 'There is no ticket; a ticket number{{systems}} is required.',
  ticketSystem: 'The ticket system "{{system}}" is not one of {{systems}}.',
  ticketNumber: 'The ticket number "{{number}}" does not match {{pattern}}.',
} as const;
type MessageId = keyof typeof MESSAGES;

const SEARCHED = { justification: 'justification', answers: 'answers', either: 'justification or the answers' } as const;
/** A PIM activation has no answers: its ticket number is searched in their place. */
const SEARCHED_PIM = { justification: 'justification', answers: 'ticket number', either: 'justification or the ticket number' } as const;

/** A value of the caller's, for a message: control characters blanked, clipped. */
const quoted = (value: string) => clip(Array.from(value, (c) => (c < ' ' || c === '\u007f' ? ' ' : c)).join(''), 60);

function checkTicket(ticket: Ticket, given: { readonly number: string | undefined; readonly system: string | undefined } | undefined): Report<MessageId>[] {
  const systems = ticket.systems.join(', ');
  if (given?.number === undefined) return ticket.required ? [{ messageId: 'ticketMissing', data: { systems: systems === '' ? '' : ` (${systems})` } }] : [];
  const reports: Report<MessageId>[] = [];
  if (ticket.systems.length > 0 && !ticket.systems.some((s) => s.toLowerCase() === given.system?.trim().toLowerCase())) {
    reports.push({ messageId: 'ticketSystem', data: { system: quoted(given.system ?? ''), systems } });
  }
  const regex = ticket.numberPattern === undefined ? undefined : compilePattern(ticket.numberPattern);
  if (ticket.numberPattern !== undefined && regex instanceof RegExp && !regex.test(given.number)) {
    reports.push({ messageId: 'ticketNumber', data: { number: quoted(given.number), pattern: clip(ticket.numberPattern, 100) } });
  }
  return reports;
}

const text = (description: string, maxLength: number) => ({ type: 'string', minLength: 1, maxLength, description });
const question = {
  type: 'object',
  additionalProperties: false,
  description: 'A question of the access package policy, named by exactly one of questionId and questionText.',
  properties: {
    questionId: text('The question id (as in the callout\'s answers).', 64),
    questionText: text('The question text in the default language, compared trimmed and without case.', 500),
    required: { type: 'boolean', default: true, description: 'Whether the question must be answered.' },
    minLength: { type: 'integer', minimum: 1, maximum: 2000, description: 'Fewest characters an answer must have.' },
    pattern: text('A JavaScript regular expression an answer must contain.', 200),
    patternDescription: text('What the pattern stands for, without article, for the message (e.g. cost centre).', 60),
  },
};

const valueOf = (answer: Answer): string | undefined => answer.value ?? answer.displayValue;

function findAnswer(q: Question, answers: readonly Answer[]): Answer | undefined {
  const same = (a: string | undefined, b: string | undefined) => a !== undefined && b !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase();
  const matching = answers.filter((a) => (q.questionId === undefined ? same(a.questionText, q.questionText) : same(a.questionId, q.questionId)));
  return matching.find((a) => visibleLength(valueOf(a)) > 0) ?? matching[0];
}

function checkQuestion(q: Question, answers: readonly Answer[]): Report<MessageId>[] {
  const answer = findAnswer(q, answers);
  const value = answer === undefined ? undefined : valueOf(answer);
  const data = { question: clip(q.questionText ?? answer?.questionText ?? q.questionId ?? '') };
  const length = visibleLength(value);
  if (length === 0) return q.required === false ? [] : [{ messageId: 'answerMissing', data }];
  if (q.minLength !== undefined && length < q.minLength) return [{ messageId: 'answerTooShort', data: { ...data, length, min: q.minLength } }];
  const { pattern } = q;
  const regex = pattern === undefined ? undefined : compilePattern(pattern);
  if (pattern !== undefined && regex instanceof RegExp && value !== undefined && !regex.test(value)) {
    return [{ messageId: 'answerPatternMissing', data: { ...data, what: q.patternDescription ?? DEFAULTS.patternDescription, pattern: clip(pattern, 100) } }];
  }
  return [];
}

export default defineCheck({
  id: 'justification',
  description: "Fails when the requestor's justification is too short or lacks a required reference (such as a change ticket), or required questions are not answered as the policy asks.",
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      minLength: { type: 'integer', minimum: 0, maximum: 2000, description: 'Fewest characters the justification must have, outer spaces not counted (0: none required).' },
      pattern: text('A JavaScript regular expression the justification (or answers, see patternIn) must contain, e.g. CHG\\d{7}.', 200),
      patternDescription: text('What the pattern stands for, without article, for the message (e.g. change ticket).', 60),
      patternIn: { enum: ['justification', 'answers', 'either'], description: 'Where the pattern is looked for: the justification, any answer, or either.' },
      questions: { type: 'array', maxItems: 20, items: question, description: 'Questions whose answers are checked.' },
      ticket: {
        type: 'object',
        additionalProperties: false,
        description: 'PIM activations: the ticket (ticketInfo) the activation carries. Access package requests have none: not used there.',
        properties: {
          required: { type: 'boolean', description: 'Whether an activation without a ticket number fails.' },
          systems: { type: 'array', maxItems: 20, uniqueItems: true, items: text('A ticket system, e.g. ServiceNow (compared without case).', 100), description: 'Ticket systems accepted; empty: any.' },
          numberPattern: text('A JavaScript regular expression the ticket number must match (add ^ and $ to match the whole number), e.g. ^CHG\\d{7}$.', 200),
        },
      },
    },
  },
  defaultOptions: DEFAULTS,
  optionsProblem(options) {
    const problem = options.pattern === undefined ? undefined : compilePattern(options.pattern);
    if (typeof problem === 'string') return { path: '/pattern', message: `is not a valid regular expression (${problem})` };
    for (const [i, q] of options.questions.entries()) {
      if ((q.questionId === undefined) === (q.questionText === undefined)) return { path: `/questions/${i}`, message: 'must name exactly one of questionId and questionText' };
      const bad = q.pattern === undefined ? undefined : compilePattern(q.pattern);
      if (typeof bad === 'string') return { path: `/questions/${i}/pattern`, message: `is not a valid regular expression (${bad})` };
    }
    const ticket = options.ticket.numberPattern === undefined ? undefined : compilePattern(options.ticket.numberPattern);
    if (typeof ticket === 'string') return { path: '/ticket/numberPattern', message: `is not a valid regular expression (${ticket})` };
    return undefined;
  },
  needs: ['request'],
  appliesTo: ['elm-request', 'pim-activation'],
  severity: 'medium',
  messages: MESSAGES,
  evaluate(callout, facts, options) {
    if (callout.kind !== 'elm-request' && callout.kind !== 'pim-activation') return [];
    if (callout.kind === 'elm-request' && isRemoval(callout.requestType)) return [];
    // A request's justification is read from Graph (the callout does not carry it); an activation's is in its body.
    const pim = callout.kind === 'pim-activation';
    const justification = pim ? callout.justification : facts.request.justification;
    const answers = pim ? (callout.ticket?.number === undefined ? [] : [callout.ticket.number]) : callout.answers.map((a) => valueOf(a) ?? '');
    const reports: Report<MessageId>[] = [];
    const length = visibleLength(justification);
    if (length === 0 && options.minLength > 0) reports.push({ messageId: 'missing', data: { min: options.minLength } });
    else if (length < options.minLength) reports.push({ messageId: 'tooShort', data: { length, min: options.minLength } });
    const { pattern } = options;
    const regex = pattern === undefined ? undefined : compilePattern(pattern);
    if (pattern !== undefined && regex instanceof RegExp) {
      const inJustification = options.patternIn !== 'answers' && regex.test(justification ?? '');
      const inAnswers = options.patternIn !== 'justification' && answers.some((a) => regex.test(a));
      if (!inJustification && !inAnswers) {
        reports.push({ messageId: 'patternMissing', data: { what: options.patternDescription, pattern: clip(pattern, 100), searched: (pim ? SEARCHED_PIM : SEARCHED)[options.patternIn] } });
      }
    }
    if (pim) return [...reports, ...checkTicket(options.ticket, callout.ticket)];
    return [...reports, ...options.questions.flatMap((q) => checkQuestion(q, callout.answers))];
  },
});
