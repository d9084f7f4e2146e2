import type { RequestAnswer } from '../directory/tenant-values.js';

type Json = Record<string, unknown>;

const isJson = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads a key whatever its casing (Entra's callouts say `Answers`, Graph's examples `answers`). */
function get(obj: unknown, key: string): unknown {
  if (!isJson(obj)) return undefined;
  const found = Object.keys(obj).find((k) => k.toLowerCase() === key.toLowerCase());
  return found === undefined ? undefined : obj[found];
}

/** A text, or the `DefaultText` of a localized one (`{ "DefaultText": "Change ticket", "LocalizedTexts": [] }`). */
function localizedText(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = get(value, 'defaultText');
  return typeof text === 'string' && text !== '' ? text : null;
}

/**
 * A callout's `Answers`, in the emulator's form: each answer's `Value`, its `DisplayValue` (a text
 * or a localized one) and its `Question` (`Id`, `Text`); the flat `QuestionId` and `QuestionText`
 * are read too. Undefined when the body has no list of answers (a request keeps the ones it has).
 */
export function calloutAnswers(value: unknown): RequestAnswer[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter(isJson).map((answer) => {
    const question = get(answer, 'question');
    const id = get(question, 'id') ?? get(answer, 'questionId');
    const text = localizedText(get(question, 'text') ?? get(answer, 'questionText'));
    const given = localizedText(get(answer, 'value'));
    return {
      questionId: typeof id === 'string' && id !== '' ? id.toLowerCase() : null,
      questionText: text,
      value: given,
      displayValue: localizedText(get(answer, 'displayValue')) ?? given,
    };
  });
}

/** The question an answer answers: a text input question (of which the emulator keeps the id and text; the rest is null). */
function questionResource(version: string, answer: RequestAnswer): Json {
  // Beta's question says its text as accessPackageLocalizedContent, v1.0's as a string beside its localizations.
  const text = version === 'beta'
    ? { text: answer.questionText === null ? null : { defaultText: answer.questionText, localizedTexts: [] } }
    : { text: answer.questionText, localizations: [] };
  return {
    '@odata.type': '#microsoft.graph.accessPackageTextInputQuestion',
    id: answer.questionId,
    ...text,
    isRequired: null,
    isAnswerEditable: null,
    sequence: null,
    isSingleLineQuestion: null,
    regexPattern: null,
  };
}

/** A request's `answers` as Graph answers them: accessPackageAnswerString, each with its answeredQuestion. */
export function answersResource(version: string, answers: readonly RequestAnswer[]): Json[] {
  return answers.map((answer) => ({
    '@odata.type': '#microsoft.graph.accessPackageAnswerString',
    value: answer.value,
    displayValue: answer.displayValue,
    answeredQuestion: questionResource(version, answer),
  }));
}
