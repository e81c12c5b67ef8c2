// The options check every constructor and function uses for callers without TypeScript: unknown
// keys refused with the nearest known one, kinds and enumerations named, undefined passing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkOptions, closest, schemaOf } from '../../src/engine/check-options.js';

const schema = { maxSteps: 'integer', lr: 'number', profile: ['quick', 'paper'], onBest: 'function', tags: 'array', quiet: 'boolean', extra: 'any' } as const;
const fails = (given: unknown, re: RegExp) => assert.throws(() => checkOptions('Thing options', given, schema), (e: Error) => e instanceof TypeError && re.test(e.message), String(re));

test('accepts known keys of the right kind, undefined values and no options', () => {
  checkOptions('Thing options', undefined, schema);
  checkOptions('Thing options', {}, schema);
  checkOptions('Thing options', { maxSteps: 5, lr: 0.1, profile: 'paper', onBest: () => {}, tags: new Int32Array(2), quiet: false, extra: null, patience: undefined }, { ...schema, patience: 'integer' });
});

test('refuses unknown keys with a did-you-mean and the known keys', () => {
  fails({ maxStep: 5 }, /^Thing options: unknown option "maxStep" \(did you mean "maxSteps"\?\); known: maxSteps, lr, profile/);
  fails({ MAXSTEPS: 5 }, /did you mean "maxSteps"/);
  fails({ zzzzzz: 1 }, /unknown option "zzzzzz"; known:/);
});

test('names wrong kinds and values outside an enumeration', () => {
  fails({ lr: '0.1' }, /"lr" must be a number, got the string "0\.1"/);
  fails({ lr: NaN }, /"lr" must be a number, got the number NaN/);
  fails({ maxSteps: 2.5 }, /"maxSteps" must be a whole number, got the number 2\.5/);
  fails({ profile: 'fast' }, /"profile" must be one of "quick", "paper", got the string "fast"/);
  fails({ onBest: 'x' }, /"onBest" must be a function/);
  fails({ tags: {} }, /"tags" must be an array, got an object/);
  fails({ quiet: 1 }, /"quiet" must be true or false, got the number 1/);
  fails(7, /Thing options: expected an object, got the number 7/);
  fails([1], /expected an object, got an array/);
  fails(null, /expected an object, got null/);
});

test('schemaOf reads kinds off defaults; closest finds near spellings only', () => {
  assert.equal(schemaOf({ a: 1, b: 'x', c: true, d: [1], e: { k: 1 }, f: undefined }, { g: 'integer' }), { a: 'number', b: 'string', c: 'boolean', d: 'array', e: 'object', f: 'any', g: 'integer' });
  assert.is(closest('seqlen', ['seqLen', 'dim']), 'seqLen');
  assert.is(closest('interest', ['interests', 'items']), 'interests');
  assert.is(closest('banana', ['seqLen', 'dim']), undefined);
});

test.run();
