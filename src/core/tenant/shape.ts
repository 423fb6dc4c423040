// The shape of what Graph answers, checked before anything is read from it. A 200 that is an
// HTML page, `{}`, `{"value":null}` or cut-off JSON must never read as "the tenant has nothing":
// that made a resumed import create every object again. Each check says what is wrong in words;
// the callers decide what that means (a read stops the run, a write's outcome is unknown).
// Messages never carry the body beyond a short, redacted hint.
import { redact } from './redact';

/** What one answer looks like to the checks: its status, content type and parsed body (a string when it was not JSON). */
export interface Answer {
  status: number;
  contentType?: string | null;
  body: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A few words on what came back instead: never more than a short, redacted start of it. */
export function bodyHint(answer: Answer): string {
  const { body } = answer;
  const type = answer.contentType ? answer.contentType.split(';')[0].trim() : 'no content type';
  if (body === undefined || body === '') return `an empty body (${type})`;
  if (typeof body === 'string') {
    const start = redact(body.trimStart().slice(0, 24).replace(/\s+/g, ' '));
    const what = /^\s*</.test(body)
      ? 'an HTML/XML page'
      : /^\s*[[{]/.test(body)
        ? 'JSON that does not parse (cut off?)'
        : 'text that is not JSON';
    return `${what} (${type}, ${body.length} characters, starting "${start}…")`;
  }
  if (Array.isArray(body)) return `a JSON array of ${body.length}`;
  if (isObject(body)) {
    const keys = Object.keys(body);
    return keys.length
      ? `a JSON object with ${keys
          .slice(0, 4)
          .map((k) => `"${k}"`)
          .join(', ')}${keys.length > 4 ? ', …' : ''}`
      : 'an empty JSON object {}';
  }
  return `JSON ${body === null ? 'null' : typeof body}`;
}

const typeOf = (v: unknown) =>
  v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;

/** A page of a list: `{ value: [...], "@odata.nextLink"?: string }`. */
export function listProblem(answer: Answer): string | undefined {
  const { body } = answer;
  if (!isObject(body)) return `a list must be a JSON object with a "value" array; this is ${bodyHint(answer)}`;
  if (!Array.isArray(body.value))
    return `a list must have a "value" array; "value" is ${'value' in body ? typeOf(body.value) : 'missing'} (${bodyHint(answer)})`;
  const link = body['@odata.nextLink'];
  if (link !== undefined && link !== null && typeof link !== 'string') return `"@odata.nextLink" is ${typeOf(link)}, not a link`;
  return undefined;
}

/** A created object: a JSON object with a non-empty string `id`. */
export function createdProblem(answer: Answer): string | undefined {
  const { body } = answer;
  if (!isObject(body)) return `a created object must be a JSON object with an "id"; this is ${bodyHint(answer)}`;
  if (typeof body.id !== 'string' || body.id === '')
    return `the created object's "id" is ${'id' in body ? (body.id === '' ? 'empty' : typeOf(body.id)) : 'missing'}, not a string`;
  return undefined;
}

/** The answer to a `$batch`: `{ responses: [{ id, status, ... }] }`. */
export function batchProblem(answer: Answer): string | undefined {
  const { body } = answer;
  if (!isObject(body)) return `a $batch answer must be a JSON object with a "responses" array; this is ${bodyHint(answer)}`;
  if (!Array.isArray(body.responses))
    return `a $batch answer must have a "responses" array; "responses" is ${'responses' in body ? typeOf(body.responses) : 'missing'}`;
  const bad = body.responses.findIndex(
    (r) => !isObject(r) || (typeof r.id !== 'string' && typeof r.id !== 'number') || typeof r.status !== 'number',
  );
  if (bad >= 0) return `response ${bad + 1} of the $batch answer has no "id" and numeric "status"`;
  return undefined;
}

/** `string`: a non-empty string; `string?`: a string, null or absent; `array?`: an array or absent; `object`: an object. */
export type FieldRule = 'string' | 'string?' | 'array?' | 'object';

const RULE_WORDS: Record<FieldRule, string> = { string: 'a string', 'string?': 'a string', 'array?': 'an array', object: 'an object' };

function fits(value: unknown, rule: FieldRule): boolean {
  if (rule.endsWith('?') && (value === undefined || value === null)) return true;
  if (rule === 'array?') return Array.isArray(value);
  if (rule === 'object') return isObject(value);
  return typeof value === 'string' && (rule === 'string?' || value !== '');
}

/** Whether each item of a list has the fields the product reads, of the right type. */
export function fieldsProblem(items: unknown[], fields: Record<string, FieldRule>, what: string): string | undefined {
  for (const [index, item] of items.entries()) {
    if (!isObject(item)) return `${what} ${index + 1} is ${typeOf(item)}, not an object`;
    for (const [field, rule] of Object.entries(fields)) {
      const value = item[field];
      if (!fits(value, rule))
        return `${what} ${index + 1} has ${value === undefined ? `no "${field}"` : `"${field}" as ${value === '' ? 'an empty string' : typeOf(value)}`}, not ${RULE_WORDS[rule]}`;
    }
  }
  return undefined;
}
