import { describe, expect, it } from 'vitest';
import type { Answer } from '../../src/callout/model.js';
import check from '../../src/checks/justification.js';
import { answer, elmRequest, evaluate, idsAndData, optionsProblem, rendered, requestFact } from './support.js';

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
