// Checks of option and config objects passed in from JavaScript, where TypeScript's types do not
// reach: a plain object, no key the receiver does not know (with a did-you-mean), each value of
// its kind. Kept at the lowest layer so every constructor and function can use the same one.
// `Trainer options: unknown option "maxStep" (did you mean "maxSteps"?)`.

/** What a key may hold; a list means one of those values. Absent (undefined) values always pass. */
export type OptionKind = 'number' | 'integer' | 'string' | 'boolean' | 'function' | 'object' | 'array' | 'any' | readonly (string | number | boolean | null)[];

export type OptionSchema = Record<string, OptionKind>;

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/**
 * The candidate nearest to `word` (case-insensitive edit distance, at most 2 or a quarter of the
 * word), for did-you-mean hints; undefined when nothing is near.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const d = (c: string) => Math.min(distance(word, c), distance(word.toLowerCase(), c.toLowerCase()) + 0.5);
  const near = [...candidates].sort((x, y) => d(x) - d(y))[0];
  return near !== undefined && d(near) <= Math.max(2, Math.floor(word.length / 4)) ? near : undefined;
}

/** A value as a phrase for an error message: `the string "0.1"`, `an array`, `null`. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number' || typeof v === 'boolean') return `${typeof v === 'number' ? 'the number' : ''} ${v}`.trim();
  return typeof v === 'object' ? `an object (${Object.prototype.toString.call(v).slice(8, -1)})` : `a ${typeof v}`;
}

function fits(v: unknown, kind: OptionKind): boolean {
  if (Array.isArray(kind)) return kind.includes(v as string);
  switch (kind) {
    case 'number': return typeof v === 'number' && !Number.isNaN(v);
    case 'integer': return typeof v === 'number' && Number.isInteger(v);
    case 'string': return typeof v === 'string';
    case 'boolean': return typeof v === 'boolean';
    case 'function': return typeof v === 'function';
    case 'object': return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'array': return Array.isArray(v) || ArrayBuffer.isView(v);
    default: return true;
  }
}

const KIND_WORDS: Record<string, string> = {
  number: 'a number', integer: 'a whole number', string: 'a string', boolean: 'true or false', function: 'a function', object: 'an object', array: 'an array',
};

/**
 * Throw a TypeError naming `where` and the key when `given` is not a plain object, has a key
 * `schema` lacks (with the nearest known key), or holds a value of another kind. `undefined`
 * (no options) and undefined values pass.
 */
export function checkOptions(where: string, given: unknown, schema: OptionSchema): void {
  if (given === undefined) return;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) throw new TypeError(`${where}: expected an object, got ${describeValue(given)}`);
  const keys = Object.keys(schema);
  for (const [key, v] of Object.entries(given)) {
    if (!Object.prototype.hasOwnProperty.call(schema, key)) {
      const near = closest(key, keys);
      throw new TypeError(`${where}: unknown option "${key}"${near ? ` (did you mean "${near}"?)` : ''}; known: ${keys.join(', ')}`);
    }
    const kind = schema[key];
    if (v !== undefined && !fits(v, kind)) {
      const want = Array.isArray(kind) ? `one of ${kind.map((k) => JSON.stringify(k)).join(', ')}` : KIND_WORDS[kind as string];
      throw new TypeError(`${where}: "${key}" must be ${want}, got ${describeValue(v)}`);
    }
  }
}

/** A schema read off a defaults object: each key the kind of its default value, plus `extra`. */
export function schemaOf(defaults: object, extra: OptionSchema = {}): OptionSchema {
  const s: OptionSchema = {};
  for (const [k, v] of Object.entries(defaults)) {
    s[k] = Array.isArray(v) || ArrayBuffer.isView(v) ? 'array' : typeof v === 'number' ? 'number' : typeof v === 'string' ? 'string' : typeof v === 'boolean' ? 'boolean' : typeof v === 'function' ? 'function' : v !== null && typeof v === 'object' ? 'object' : 'any';
  }
  return { ...s, ...extra };
}
