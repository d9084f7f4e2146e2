import { describe, expect, it } from 'vitest';
import type { Answer } from '../../src/callout/model.js';
import check from '../../src/checks/justification.js';
import type { PimActivation } from '../../src/pim/activation.js';
import { answer, elmRequest, evaluate, idsAndData, lcwTask, optionsProblem, pimActivation, rendered, requestFact } from './support.js';

const COST = { id: '7d3c1f0e-8a2b-4c5d-9e6f-0a1b2c3d4e5f', text: 'Cost centre' };
const PROJECT = { id: 'e0f1a2b3-c4d5-4e6f-8a9b-0c1d2e3f4a5b', text: 'Project' };
const CHG = { pattern: 'CHG\\d{7}', patternDescription: 'change ticket' };

interface Row {
  readonly justification?: string;
  readonly answers?: readonly Answer[];
  readonly requestType?: string;
  readonly options?: Record<string, unknown>;
}
const run = ({ justification, answers = [], requestType = 'userAdd', options }: Row) =>
  evaluate(check, elmRequest({ answers, requestType }), { request: requestFact({ justification }) }, options);

describe('justification passes', () => {
  it.each<[string, Row]>([
    ['a justification of the default length', { justification: 'Quarter-end close' }],
    ['exactly the minimum', { justification: '0123456789' }],
    ['no justification when none is required', { options: { minLength: 0 } }],
    ['the pattern in the justification', { justification: 'Per CHG0012345, for the audit', options: CHG }],
    ['the pattern in an answer (either)', { justification: 'For the quarterly audit', answers: [answer(PROJECT, 'CHG0012345')], options: CHG }],
    ['the pattern in an answer (answers)', { justification: 'For the quarterly audit', answers: [answer(PROJECT, 'ref CHG0012345')], options: { ...CHG, patternIn: 'answers' } }],
    ['a question answered, named by id', { justification: 'For the quarterly audit', answers: [answer(COST, 'CC-4410')], options: { questions: [{ questionId: COST.id.toUpperCase() }] } }],
    ['a question answered, named by text', { justification: 'For the quarterly audit', answers: [answer(COST, 'CC-4410')], options: { questions: [{ questionText: ' cost CENTRE ', pattern: '^CC-\\d{4}$' }] } }],
    ['an optional question left out', { justification: 'For the quarterly audit', options: { questions: [{ questionId: COST.id, required: false, minLength: 5 }] } }],
    ['a removal, which needs no justification', { requestType: 'userRemove', options: CHG }],
    ['a system removal', { requestType: 'SystemRemove' }],
    ['an approver removal', { requestType: 'approverRemove' }],
  ])('%s', (_name, row) => {
    expect(run(row)).toEqual([]);
  });
});

describe('justification fails', () => {
  it.each<[string, Row, { messageId: string; data: Record<string, unknown> }[]]>([
    ['no justification', {}, [{ messageId: 'missing', data: { min: 10 } }]],
    ['a short one', { justification: 'need' }, [{ messageId: 'tooShort', data: { length: 4, min: 10 } }]],
    ['an extension without one, judged like an add', { requestType: 'UserExtend' }, [{ messageId: 'missing', data: { min: 10 } }]],
    ['a request type entitlement-guard does not know, judged like an add', { requestType: 'someNewType' }, [{ messageId: 'missing', data: { min: 10 } }]],
    ['outer spaces do not count', { justification: '   need it    ' }, [{ messageId: 'tooShort', data: { length: 7, min: 10 } }]],
    ['emoji count as one character each', { justification: '👍🏽👍🏽👍🏽' }, [{ messageId: 'tooShort', data: { length: 3, min: 10 } }]],
    ['a higher minimum', { justification: 'Quarter-end close', options: { minLength: 40 } }, [{ messageId: 'tooShort', data: { length: 17, min: 40 } }]],
    ['no ticket anywhere', { justification: 'For the quarterly audit', answers: [answer(PROJECT, 'Audit')], options: CHG }, [{ messageId: 'patternMissing', data: { what: 'change ticket', pattern: 'CHG\\d{7}', searched: 'justification or the answers' } }]],
    ['a ticket only in the answers', { justification: 'For the quarterly audit', answers: [answer(PROJECT, 'CHG0012345')], options: { ...CHG, patternIn: 'justification' } }, [{ messageId: 'patternMissing', data: { what: 'change ticket', pattern: 'CHG\\d{7}', searched: 'justification' } }]],
    ['a ticket only in the justification', { justification: 'Per CHG0012345', options: { ...CHG, patternIn: 'answers' } }, [{ messageId: 'patternMissing', data: { what: 'change ticket', pattern: 'CHG\\d{7}', searched: 'answers' } }]],
    ['the default pattern description', { justification: 'For the quarterly audit', options: { pattern: 'CHG\\d{7}' } }, [{ messageId: 'patternMissing', data: { what: 'required reference', pattern: 'CHG\\d{7}', searched: 'justification or the answers' } }]],
    ['a question not answered', { justification: 'For the quarterly audit', options: { questions: [{ questionText: 'Cost centre' }] } }, [{ messageId: 'answerMissing', data: { question: 'Cost centre' } }]],
    ['a blank answer', { justification: 'For the quarterly audit', answers: [answer(COST, '  ')], options: { questions: [{ questionId: COST.id }] } }, [{ messageId: 'answerMissing', data: { question: 'Cost centre' } }]],
    ['an unknown question by id', { justification: 'For the quarterly audit', options: { questions: [{ questionId: COST.id }] } }, [{ messageId: 'answerMissing', data: { question: COST.id } }]],
    ['a short answer', { justification: 'For the quarterly audit', answers: [answer(COST, 'CC')], options: { questions: [{ questionId: COST.id, minLength: 7 }] } }, [{ messageId: 'answerTooShort', data: { question: 'Cost centre', length: 2, min: 7 } }]],
    ['an answer without its pattern', { justification: 'For the quarterly audit', answers: [answer(COST, 'none')], options: { questions: [{ questionId: COST.id, pattern: '^CC-\\d{4}$', patternDescription: 'cost centre code' }] } }, [{ messageId: 'answerPatternMissing', data: { question: 'Cost centre', what: 'cost centre code', pattern: '^CC-\\d{4}$' } }]],
    ['everything at once, in order', { justification: 'need', options: { ...CHG, questions: [{ questionText: 'Cost centre' }, { questionText: 'Project' }] } }, [
      { messageId: 'tooShort', data: { length: 4, min: 10 } },
      { messageId: 'patternMissing', data: { what: 'change ticket', pattern: 'CHG\\d{7}', searched: 'justification or the answers' } },
      { messageId: 'answerMissing', data: { question: 'Cost centre' } },
      { messageId: 'answerMissing', data: { question: 'Project' } },
    ]],
  ])('%s', (_name, row, expected) => {
    expect(idsAndData(run(row))).toEqual(expected);
  });

  it('reads as an approver expects', () => {
    expect(rendered(check, run({ justification: 'need', options: CHG }))).toEqual([
      'The justification is 4 characters; at least 10 are required.',
      'No change ticket (CHG\\d{7}) in the justification or the answers.',
    ]);
  });

  it('never repeats the justification or the answers', () => {
    const secret = 'Zq9-private';
    const reports = run({
      justification: `${secret} j`,
      answers: [answer(COST, `${secret} a`), answer(PROJECT, `${secret} b`)],
      options: { ...CHG, minLength: 50, questions: [{ questionId: COST.id, minLength: 40 }, { questionId: PROJECT.id, pattern: '^P-' }] },
    });
    expect(reports.map((r) => r.messageId)).toEqual(['tooShort', 'patternMissing', 'answerTooShort', 'answerPatternMissing']);
    expect(JSON.stringify(reports) + rendered(check, reports).join(' ')).not.toContain(secret);
  });
});

describe('justification options', () => {
  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['an invalid pattern', { pattern: 'CHG(' }, '/pattern', /not a valid regular expression/],
    ['a question named twice', { questions: [{ questionId: COST.id, questionText: 'Cost centre' }] }, '/questions/0', /exactly one of questionId and questionText/],
    ['a question not named', { questions: [{ questionText: 'x' }, { minLength: 3 }] }, '/questions/1', /exactly one of questionId and questionText/],
    ['an invalid question pattern', { questions: [{ questionText: 'x' }, { questionText: 'y', pattern: '[' }] }, '/questions/1/pattern', /not a valid regular expression/],
    ['an unknown place', { patternIn: 'both' }, '/patternIn', /allowed values/],
    ['a negative length', { minLength: -1 }, '/minLength', />= 0/],
    ['an unknown field', { minlength: 3 }, '', /unknown field "minlength"/],
  ])('refuses %s', (_name, options, path, message) => {
    const problem = optionsProblem(check, options);
    expect(problem?.path).toBe(path);
    expect(problem?.message).toMatch(message);
  });
});

describe('justification on PIM activations', () => {
  interface PimRow {
    readonly justification?: string | undefined;
    readonly ticket?: PimActivation['ticket'];
    readonly options?: Record<string, unknown>;
  }
  // No request fact: an activation carries its justification and ticket in its body.
  const runPim = ({ options, ...row }: PimRow) => evaluate(check, pimActivation(row), {}, options);
  const TICKET = { number: 'CHG0012345', system: 'ServiceNow' };
  const noTicket = (text = 'Month-end payment run for the audit') => ({ justification: text, ticket: undefined });

  it.each<[string, PimRow]>([
    ['a justification of the default length', { justification: 'Month-end payment run', ticket: undefined }],
    ['the pattern in the justification', { ...noTicket('Per CHG0012345, payment run'), options: CHG }],
    ['the pattern in the ticket number (either)', { justification: 'Month-end payment run', ticket: TICKET, options: CHG }],
    ['the pattern in the ticket number (answers)', { justification: 'Month-end payment run', ticket: TICKET, options: { ...CHG, patternIn: 'answers' } }],
    ['a ticket when one is required', { ticket: TICKET, options: { ticket: { required: true } } }],
    ['a ticket of an accepted system', { ticket: TICKET, options: { ticket: { systems: ['Jira', 'ServiceNow'] } } }],
    ['a ticket system in another casing, with spaces', { ticket: { number: 'CHG0012345', system: ' SERVICENOW ' }, options: { ticket: { systems: ['ServiceNow'] } } }],
    ['an accepted system listed in another casing', { ticket: TICKET, options: { ticket: { systems: ['servicenow'] } } }],
    ['a ticket number matching the pattern', { ticket: TICKET, options: { ticket: { numberPattern: '^CHG\\d{7}$' } } }],
    ['no ticket when none is required, whatever systems and pattern', { ...noTicket(), options: { ticket: { systems: ['ServiceNow'], numberPattern: '^CHG\\d{7}$' } } }],
    ['questions, which do not apply to activations', { ...noTicket(), options: { questions: [{ questionText: 'Cost centre' }] } }],
  ])('%s', (_name, row) => {
    expect(runPim(row)).toEqual([]);
  });

  it.each<[string, PimRow, { messageId: string; data: Record<string, unknown> }[]]>([
    ['no justification', { justification: undefined }, [{ messageId: 'missing', data: { min: 10 } }]],
    ['a short one, read from the activation', { justification: 'need' }, [{ messageId: 'tooShort', data: { length: 4, min: 10 } }]],
    ['no reference anywhere', { ...noTicket(), options: CHG }, [{ messageId: 'patternMissing', data: { what: 'change ticket', pattern: 'CHG\\d{7}', searched: 'justification or the ticket number' } }]],
    ['a reference only in the justification, looked for in the ticket number', { justification: 'Per CHG0012345, payment run', ticket: { number: 'INC0042', system: 'ServiceNow' }, options: { ...CHG, patternIn: 'answers' } }, [
      { messageId: 'patternMissing', data: { what: 'change ticket', pattern: 'CHG\\d{7}', searched: 'ticket number' } },
    ]],
    ['a reference only in the ticket number, looked for in the justification', { justification: 'Month-end payment run', ticket: TICKET, options: { ...CHG, patternIn: 'justification' } }, [
      { messageId: 'patternMissing', data: { what: 'change ticket', pattern: 'CHG\\d{7}', searched: 'justification' } },
    ]],
    ['no ticket when one is required', { ...noTicket(), options: { ticket: { required: true } } }, [{ messageId: 'ticketMissing', data: { systems: '' } }]],
    ['no ticket when one of some systems is required', { ...noTicket(), options: { ticket: { required: true, systems: ['ServiceNow', 'Jira'] } } }, [{ messageId: 'ticketMissing', data: { systems: ' (ServiceNow, Jira)' } }]],
    ['a ticket system without a number', { ticket: { number: undefined, system: 'ServiceNow' }, options: { ticket: { required: true } } }, [{ messageId: 'ticketMissing', data: { systems: '' } }]],
    ['a ticket of another system', { ticket: { number: 'CHG0012345', system: 'Jira' }, options: { ticket: { systems: ['ServiceNow'] } } }, [{ messageId: 'ticketSystem', data: { system: 'Jira', systems: 'ServiceNow' } }]],
    ['a ticket naming no system when systems are listed', { ticket: { number: 'CHG0012345', system: undefined }, options: { ticket: { systems: ['ServiceNow', 'Jira'] } } }, [{ messageId: 'ticketSystem', data: { system: '', systems: 'ServiceNow, Jira' } }]],
    ['a ticket number not matching the pattern', { ticket: { number: 'INC0042', system: 'ServiceNow' }, options: { ticket: { numberPattern: '^CHG\\d{7}$' } } }, [{ messageId: 'ticketNumber', data: { number: 'INC0042', pattern: '^CHG\\d{7}$' } }]],
    ['a pattern that must match the whole number', { ticket: { number: 'XCHG0012345', system: 'ServiceNow' }, options: { ticket: { numberPattern: '^CHG\\d{7}$' } } }, [{ messageId: 'ticketNumber', data: { number: 'XCHG0012345', pattern: '^CHG\\d{7}$' } }]],
    ['everything at once, in order', { justification: 'need', ticket: { number: 'INC0042', system: 'Jira' }, options: { ...CHG, patternIn: 'answers', ticket: { required: true, systems: ['ServiceNow'], numberPattern: '^CHG\\d{7}$' } } }, [
      { messageId: 'tooShort', data: { length: 4, min: 10 } },
      { messageId: 'patternMissing', data: { what: 'change ticket', pattern: 'CHG\\d{7}', searched: 'ticket number' } },
      { messageId: 'ticketSystem', data: { system: 'Jira', systems: 'ServiceNow' } },
      { messageId: 'ticketNumber', data: { number: 'INC0042', pattern: '^CHG\\d{7}$' } },
    ]],
  ])('%s', (_name, row, expected) => {
    expect(idsAndData(runPim(row))).toEqual(expected);
  });

  it('reads the activation, not a request fact', () => {
    expect(idsAndData(evaluate(check, pimActivation({ justification: undefined }), { request: requestFact({ justification: 'A justification read from Graph' }) }))).toEqual([{ messageId: 'missing', data: { min: 10 } }]);
  });

  it('reads plainly', () => {
    expect(rendered(check, runPim({ ticket: { number: 'INC0042', system: 'Jira' }, options: { ticket: { systems: ['ServiceNow'], numberPattern: '^CHG\\d{7}$' } } }))).toEqual([
      'The ticket system "Jira" is not one of ServiceNow.',
      'The ticket number "INC0042" does not match ^CHG\\d{7}$.',
    ]);
    expect(rendered(check, runPim({ ...noTicket(), options: { ticket: { required: true, systems: ['ServiceNow'] } } }))).toEqual(['There is no ticket; a ticket number (ServiceNow) is required.']);
  });

  it('blanks control characters in a ticket number or system it quotes, and clips them', () => {
    const reports = runPim({ ticket: { number: 'CHG\u0000\n12\u007f\t3', system: 'Service\rNow\u001b' }, options: { ticket: { systems: ['ServiceNow'], numberPattern: '^CHG\\d{7}$' } } });
    expect(idsAndData(reports)).toEqual([
      { messageId: 'ticketSystem', data: { system: 'Service Now ', systems: 'ServiceNow' } },
      { messageId: 'ticketNumber', data: { number: 'CHG  12  3', pattern: '^CHG\\d{7}$' } },
    ]);
    const long = runPim({ ticket: { number: 'X'.repeat(200), system: 'ServiceNow' }, options: { ticket: { numberPattern: '^CHG' } } });
    expect(long[0]?.data?.['number']).toBe(`${'X'.repeat(59)}…`);
  });

  it('refuses a ticket number pattern that does not compile, and an unknown ticket field', () => {
    expect(optionsProblem(check, { ticket: { numberPattern: 'CHG(' } })).toEqual({ path: '/ticket/numberPattern', message: expect.stringMatching(/^is not a valid regular expression/) as string });
    expect(optionsProblem(check, { ticket: { number: 'CHG' } })).toEqual({ path: '/ticket', message: 'unknown field "number"' });
    expect(optionsProblem(check, { ticket: { systems: ['ServiceNow', 'ServiceNow'] } })?.path).toBe('/ticket/systems');
  });
});

describe('justification on access package requests, unchanged by PIM', () => {
  it('ticket options have nothing to check: a request carries no ticket', () => {
    expect(run({ justification: 'For the quarterly audit', options: { ticket: { required: true, systems: ['ServiceNow'], numberPattern: '^CHG\\d{7}$' } } })).toEqual([]);
  });

  it("reads the request fact's justification, and says it searched the answers", () => {
    expect(idsAndData(run({ justification: 'need', answers: [answer(PROJECT, 'INC0042')], options: { ...CHG, patternIn: 'answers' } }))).toEqual([
      { messageId: 'tooShort', data: { length: 4, min: 10 } },
      { messageId: 'patternMissing', data: { what: 'change ticket', pattern: 'CHG\\d{7}', searched: 'answers' } },
    ]);
  });

  it('still checks its questions', () => {
    expect(idsAndData(run({ justification: 'For the quarterly audit', options: { questions: [{ questionText: 'Cost centre' }], ticket: { required: true } } }))).toEqual([{ messageId: 'answerMissing', data: { question: 'Cost centre' } }]);
  });

  it('runs on requests and activations only', () => {
    expect(check.appliesTo).toEqual(['elm-request', 'pim-activation']);
    expect(evaluate(check, lcwTask(), {})).toEqual([]);
  });
});
