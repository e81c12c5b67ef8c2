// Bad checkpoints: config and vocabulary mutations (wrong types, negative and huge sizes that would
// allocate gigabytes if trusted), prototype names, non-finite weights, crafted safetensors headers
// (600k empty tensors, deep nesting), truncations and bit flips, and bad sources (missing paths,
// file: URLs, unreachable URLs). Every one must end in an Error naming the file and what is wrong,
// within bounded time and memory.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { init } from '../../src/engine/load.js';
import { ComiRecSA } from '../../src/models/comirec-sa.js';
import { MIND } from '../../src/models/mind.js';
import { Vocabulary } from '../../src/data/vocab.js';
import { Recommender } from '../../src/serve/recommender.js';
import { TagProfiler } from '../../src/serve/tag-profiler.js';
import { load } from '../../src/serve/save-load.js';
import { syntheticTagDataset } from '../../src/data/tag-datasets.js';
import { buildTagModels } from '../../src/train/tag-experiment.js';
import { tagVocabOf } from '../../src/io/tag-checkpoint.js';
import { FULL, editJson, expectClean, mutate, rawSafetensors, tallySoFar } from './cases.js';

const dir = mkdtempSync(join(tmpdir(), 'mirec-bad-ckpt-'));
const N = 41;
const ids = Array.from({ length: N - 1 }, (_, i) => `item-${i + 1}`);
const vocab = new Vocabulary(['', ...ids], new Int32Array(N).fill(1), N - 1);
let good: Uint8Array;
let mind: Uint8Array;

/**
 * Peak RSS growth (MB) and CPU seconds of `run` (CPU time, not wall time: a loaded machine must
 * not fail the bound; a runaway allocation or a hang still does).
 */
async function cost(run: () => unknown): Promise<{ mb: number; s: number }> {
  const before = process.resourceUsage().maxRSS;
  const cpu0 = process.cpuUsage();
  try { await run(); } catch { /* measured only */ }
  const cpu = process.cpuUsage(cpu0);
  return { mb: (process.resourceUsage().maxRSS - before) / 1024, s: (cpu.user + cpu.system) / 1e6 };
}

test.before(async () => {
  await init();
  good = new Recommender(new ComiRecSA({ items: N, dim: 8, interests: 2, seqLen: 6, seed: 4 }), vocab).toBytes();
  mind = new Recommender(new MIND({ items: N, dim: 8, interests: 2, seqLen: 6, servingRouting: 'perUser' }), vocab).toBytes();
});

test('config fields of the wrong type, sign or size are refused naming the field', async () => {
  const cases: [string, unknown, RegExp][] = [
    ['dim', '16', /config\.dim is the string "16"/],
    ['dim', -16, /config\.dim is the number -16/],
    ['dim', 1e6, /config\.dim is the number 1000000, expected a whole number in 1\.\.65536|param\.\S+ as \[41,1000000\]/],
    ['dim', 16.5, /config\.dim/],
    ['dim', null, /config\.dim is null/],
    ['seqLen', 1e8, /config\.seqLen/],
    ['interests', 1e7, /config\.interests/],
    ['attentionWidth', 1e8, /config\.attentionWidth|sa\.W1/],
    ['items', 1e9, /extra\.vocab|config\.items|vocabulary has 41 rows/],
    ['items', 'x', /config\.items is the string/],
    ['negatives', null, /config\.negatives is null/],
    ['positions', 7, /config\.positions is the number 7/],
    ['__proto__', { dim: 1 }, /setting "__proto__"/],
    ['constructor', 1, /setting "constructor"/],
  ];
  for (const [key, value, names] of cases) {
    const bytes = mutate(good, (m) => editJson(m, 'config', (c) => { Object.defineProperty(c, key, { value, enumerable: true }); }));
    await expectClean(`config.${key} = ${JSON.stringify(value)}`, () => Recommender.fromBytes(bytes, 'crafted.safetensors'), new RegExp(`crafted\\.safetensors.*(${names.source})`));
  }
  const notObject = mutate(good, (m) => { m.config = '[1,2]'; });
  await expectClean('config is an array', () => Recommender.fromBytes(notObject, 'arr.safetensors'), /arr\.safetensors.*"config" is an array/);
});

test('a config claiming huge sizes costs neither memory nor time (checked before allocating)', async () => {
  for (const [key, value] of [['dim', 60_000], ['seqLen', 99_999], ['attentionWidth', 1_000_000], ['interests', 4_000]] as const) {
    const bytes = mutate(good, (m) => editJson(m, 'config', (c) => { c[key] = value; }));
    const c = await cost(() => Recommender.fromBytes(bytes, 'huge.safetensors'));
    await expectClean(`config.${key} = ${value}`, () => Recommender.fromBytes(bytes, 'huge.safetensors'), /huge\.safetensors.*(param\.\S+|config\.)/);
    assert.ok(c.mb < 64 && c.s < 2, `config.${key} = ${value}: +${c.mb.toFixed(0)} MB peak RSS, ${c.s.toFixed(2)} s CPU`);
  }
});

test('kind and dtype names never reach prototype lookups', async () => {
  for (const kind of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '']) {
    const bytes = mutate(good, (m) => { m.kind = kind; });
    await expectClean(`kind ${kind}`, () => Recommender.fromBytes(bytes, 'kind.safetensors'), /kind\.safetensors/);
    await expectClean(`kind ${kind} via load`, () => load(bytes), /checkpoint \(bytes\)/);
  }
  for (const dtype of ['constructor', '__proto__', 'toString', 'f32', '']) {
    const bytes = rawSafetensors(JSON.stringify({ t: { dtype, shape: [1], data_offsets: [0, 4] } }), new Uint8Array(4));
    await expectClean(`dtype ${dtype}`, () => Recommender.fromBytes(bytes, 'dtype.safetensors'), /dtype\.safetensors: t: unknown dtype/);
  }
});

test('vocabulary fields of the wrong type are refused naming the field', async () => {
  const cases: [(v: Record<string, unknown>) => void, RegExp][] = [
    [(v) => { v.ids = null; }, /vocab\.ids is null/],
    [(v) => { v.ids = 'abc'; }, /vocab\.ids is string/],
    [(v) => { (v.ids as unknown[])[3] = 7; }, /vocab\.ids\[3\]/],
    [(v) => { (v.counts as unknown[])[0] = -1; }, /vocab\.counts\[0\]/],
    [(v) => { v.counts = { length: 1e9 }; }, /vocab\.counts is object/],
    [(v) => { v.trained = 1e9; }, /vocab\.trained/],
    [(v) => { (v.ids as unknown[]).pop(); }, /vocab\.ids has 39 entries but counts has 40/],
    [(v) => { v.format = '__proto__'; }, /extra\.vocab: expected \{ format/],
  ];
  for (const [edit, names] of cases) {
    const bytes = mutate(good, (m) => editJson(m, 'extra', (x) => edit(x.vocab as Record<string, unknown>)));
    await expectClean(`vocab ${names.source}`, () => Recommender.fromBytes(bytes, 'vocab.safetensors'), new RegExp(`vocab\\.safetensors.*${names.source}`));
  }
  const noVocab = mutate(good, (m) => editJson(m, 'extra', (x) => { delete x.vocab; }));
  await expectClean('no vocabulary', () => Recommender.fromBytes(noVocab, 'nv.safetensors'), /nv\.safetensors has no vocabulary/);
});

test('NaN and ±Infinity weights are refused naming the tensor, unless allowed for inspection', async () => {
  for (const bad of [NaN, Infinity, -Infinity]) {
    const bytes = mutate(good, () => {}, (t) => {
      const e = t.get('param.sa.W1')!;
      new Float32Array(e.bytes.buffer, e.bytes.byteOffset, e.bytes.byteLength / 4)[5] = bad;
    });
    await expectClean(`weight ${bad}`, () => Recommender.fromBytes(bytes, 'nan.safetensors'), new RegExp(`nan\\.safetensors: tensor param\\.sa\\.W1 holds ${bad} at index 5`));
    assert.ok(Recommender.fromBytes(bytes, 'nan.safetensors', { allowNonFinite: true }) instanceof Recommender);
  }
});

test('crafted safetensors headers: 600k empty tensors, deep nesting, many objects are refused cheaply', async () => {
  const entries = Array.from({ length: 600_000 }, (_, i) => `"t${i}":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}`);
  const many = rawSafetensors(`{${entries.join(',')}}`);
  assert.ok(many.length > 30e6, `${many.length} bytes`);
  const c = await cost(() => Recommender.fromBytes(many, 'many.safetensors'));
  await expectClean('600k empty tensors', () => Recommender.fromBytes(many, 'many.safetensors'), /many\.safetensors: header: JSON has more than \d+ objects and arrays/);
  assert.ok(c.mb < 150 && c.s < 3, `600k tensors: +${c.mb.toFixed(0)} MB peak RSS (file ${(many.length / 1e6).toFixed(0)} MB), ${c.s.toFixed(2)} s CPU`);
  const deep = rawSafetensors(`{"__metadata__":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
  await expectClean('deep nesting', () => Recommender.fromBytes(deep, 'deep.safetensors'), /deep\.safetensors: header: JSON nested deeper/);
  const objs = mutate(good, (m) => { m.config = `[${Array(300_000).fill('{}').join(',')}]`; });
  await expectClean('300k objects in config', () => Recommender.fromBytes(objs, 'objs.safetensors'), /objs\.safetensors: metadata "config": JSON has more than/);
  const overlap = rawSafetensors(JSON.stringify(Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`t${i}`, { dtype: 'U8', shape: [4096], data_offsets: [0, 4096] }]))), new Uint8Array(4096));
  await expectClean('1000 tensors over one span', () => Recommender.fromBytes(overlap, 'overlap.safetensors'), /overlap\.safetensors: t\d+: data_offsets \[0, 4096\] overlap/);
});

test('truncated files and flipped bytes end in errors naming the file', async () => {
  const cuts = FULL ? Array.from({ length: 200 }, (_, i) => Math.floor((i / 200) * good.length)) : [0, 4, 8, 9, 64, 200, good.length - 1];
  for (const n of cuts) await expectClean(`cut at ${n}`, () => Recommender.fromBytes(good.subarray(0, n), 'cut.safetensors'), /cut\.safetensors/);
  const flips = FULL ? 400 : 60;
  let seed = 7;
  for (let i = 0; i < flips; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const at = 8 + (seed % 400); // inside the header, where a flip changes meaning
    const b = Uint8Array.from(good);
    b[at] ^= 1 << (seed >>> 29);
    tallyFlip(b, at);
  }
  function tallyFlip(b: Uint8Array, at: number) {
    // A flip may leave a valid file (a digit of a tensor's data, a letter of an id): that must load
    // and serve; anything else must be a clean error.
    try {
      Recommender.fromBytes(b, 'flip.safetensors').recommend(['item-1', 'item-2']);
    } catch (e) {
      assert.match((e as Error).message, /flip\.safetensors|recommend:/, `flip at ${at}: ${(e as Error).message}`);
      assert.not.match((e as Error).message, /Cannot read propert|is not a function/, `flip at ${at}`);
    }
  }
});

test('sources: paths, file: URLs (object and string), missing files, unreachable URLs, wrong types', async () => {
  const path = join(dir, 'my model.safetensors');
  writeFileSync(path, good);
  const url = pathToFileURL(path);
  assert.ok(await load(url.href) instanceof Recommender, 'file:/// string read as a file URL');
  assert.ok(await Recommender.load(url) instanceof Recommender);
  await expectClean('missing path', () => load(join(dir, 'nope.safetensors')), /nope\.safetensors: no such file/);
  await expectClean('a folder', () => load(dir), new RegExp(`${dir.replace(/[/\\]/g, '.')}: is a folder`));
  await expectClean('missing file URL', () => load(`${url.href}.missing`), /my%20model\.safetensors\.missing: no such file/);
  await expectClean('unreachable URL', () => load('http://127.0.0.1:9/model.safetensors'), /http:\/\/127\.0\.0\.1:9\/model\.safetensors: fetch failed/);
  await expectClean('garbage file', () => { writeFileSync(join(dir, 'g.bin'), 'hello'); return load(join(dir, 'g.bin')); }, /g\.bin: file is 5 bytes/);
  await expectClean('null source', () => load(null as unknown as string), /expected checkpoint bytes, a path or a URL, got null/);
  await expectClean('a tag checkpoint as Recommender', async () => {
    const data = syntheticTagDataset('tiny');
    const [m] = buildTagModels('mvke', data);
    const tp = new TagProfiler([m], tagVocabOf(data, Array.from({ length: data.itemTags.length }, (_, i) => `i${i}`)));
    return Recommender.fromBytes(tp.toBytes(), 'tags.safetensors');
  }, /tags\.safetensors holds a "tag-profile" model/);
});

test('tag checkpoints: the same rules (config, vocabulary, prototype kinds, popularity lists, non-finite)', async () => {
  const data = syntheticTagDataset('tiny');
  const vocabT = tagVocabOf(data, Array.from({ length: data.itemTags.length }, (_, i) => `i${i}`));
  const bytes = new TagProfiler(buildTagModels('mvke', data).slice(0, 1), vocabT).toBytes();
  const pop = new TagProfiler(buildTagModels('populartags', data).slice(0, 1), vocabT).toBytes();
  const model = (edit: (s: Record<string, unknown>) => void, from = bytes) => mutate(from, (m) => editJson(m, 'config', (c) => edit((c.models as Record<string, unknown>[])[0])));
  const cases: [string, Uint8Array, RegExp][] = [
    ['dim 1e6', model((s) => { (s.config as Record<string, unknown>).dim = 1e6; }), /config\.models\[0\]\.config\.dim|param\.m0\./],
    ['dim "16"', model((s) => { (s.config as Record<string, unknown>).dim = '16'; }), /config\.models\[0\]\.config\.dim is the string "16"/],
    ['fields null', model((s) => { (s.config as Record<string, unknown>).fields = null; }), /config\.models\[0\]\.config\.fields is null/],
    ['fields [null]', model((s) => { (s.config as Record<string, unknown>).fields = [null]; }), /config\.models\[0\]\.config\.fields\[0\]/],
    ['kind __proto__', model((s) => { s.kind = '__proto__'; }), /unknown tag model kind "__proto__"/],
    ['kind constructor', model((s) => { s.kind = 'constructor'; }), /unknown tag model kind "constructor"/],
    ['model null', model((s) => { for (const k of Object.keys(s)) delete s[k]; }), /config\.models\[0\] is not an object|unknown tag model kind/],
    ['popularity length 1e9', model((s) => { s.popularity = [{ length: 1e9 }, { length: 1e9 }]; }, pop), /popularity\[0\] is not a list of \d+ finite numbers/],
    ['tasks "ctr"', model((s) => { s.tasks = 'ctr'; }, pop), /tasks "ctr" is not a list/],
    ['vocab null', mutate(bytes, (m) => { m.vocab = 'null'; }), /vocab is missing or not an object/],
    ['vocab.fields[0] null', mutate(bytes, (m) => editJson(m, 'vocab', (v) => { (v.fields as unknown[])[0] = null; })), /vocab\.fields\[0\]/],
    ['vocab.tagNames 7', mutate(bytes, (m) => editJson(m, 'vocab', (v) => { v.tagNames = 7; })), /vocab\.tagNames/],
    ['NaN weight', mutate(bytes, () => {}, (t) => { const e = [...t.values()][0]; new Float32Array(e.bytes.buffer, e.bytes.byteOffset, 1)[0] = NaN; }), /tensor param\.m0\.\S+ holds NaN at index 0/],
  ];
  for (const [label, b, names] of cases) {
    const c = await cost(() => load(b));
    await expectClean(`tag ${label}`, () => TagProfiler.fromBytes(b, 'tags.safetensors'), new RegExp(`tags\\.safetensors.*(${names.source})`));
    assert.ok(c.mb < 64 && c.s < 2, `tag ${label}: +${c.mb.toFixed(0)} MB, ${c.s.toFixed(2)} s CPU`);
  }
});

test('API misuse: a string history, missing user for per-user MIND, bad topN', async () => {
  const rec = Recommender.fromBytes(good, 'good.safetensors');
  await expectClean("recommend('1,2,3')", () => rec.recommend('1,2,3' as unknown as string[]), /history 0 must be an array of raw item ids .* the string "1,2,3"; split it first/);
  await expectClean('recommend(null)', () => rec.recommend(null as unknown as string[]), /history 0 must be an array/);
  await expectClean('topN 0', () => rec.recommend(['item-1'], { topN: 0 }), /topN must be a whole number ≥ 1/);
  await expectClean('topN "5"', () => rec.recommend(['item-1'], { topN: '5' as unknown as number }), /topN must be a whole number/);
  const perUser = Recommender.fromBytes(mind, 'mind.safetensors');
  await expectClean('per-user MIND without user', () => perUser.recommend(['item-1']), /routes per user .*pass the raw user id/);
  assert.is(perUser.recommend(['item-1', 'item-3'], { user: '5', topN: 5 }).length, 5);
  console.log(`bad-input checkpoints: ${tallySoFar().tried} cases, ${tallySoFar().clean} clean errors`);
});

test.run();
