// The one-call checkpoint API: save(model, path) writes atomically and returns the bytes;
// load(bytes | path | file URL) returns a Recommender or a TagProfiler that serves exactly what
// the saved one did; bad sources fail with messages naming the file.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setEngine } from '../../src/engine/load.js';
import { ComiRecSA } from '../../src/models/comirec-sa.js';
import { Vocabulary } from '../../src/data/vocab.js';
import { Recommender } from '../../src/serve/recommender.js';
import { TagProfiler } from '../../src/serve/tag-profiler.js';
import { save, load } from '../../src/serve/save-load.js';
import { syntheticTagDataset } from '../../src/data/tag-datasets.js';
import { buildTagModels } from '../../src/train/tag-experiment.js';
import { tagVocabOf } from '../../src/io/tag-checkpoint.js';
import { f32Backends } from '../helpers/engines.js';
import '../helpers/node-host.js'; // paths go through the library's file system

const dir = mkdtempSync(join(tmpdir(), 'mirec-save-'));

test('retrieval: save to a path, load from bytes, path and file URL; same recommendations', async () => {
  setEngine((await f32Backends())[2]);
  const ids = Array.from({ length: 40 }, (_, i) => `item-${i + 1}`);
  const vocab = new Vocabulary(['', ...ids], new Int32Array(41).fill(1), 40);
  const rec = new Recommender(new ComiRecSA({ items: 41, dim: 8, interests: 2, seqLen: 6, seed: 4 }), vocab);
  const path = join(dir, 'sa.safetensors');
  const bytes = await save(rec, path);
  assert.equal(new Uint8Array(readFileSync(path)), bytes);
  const want = rec.recommend(['item-3', 'item-7', 'item-9'], { topN: 5 });
  for (const source of [bytes, path, pathToFileURL(path)]) {
    const back = await load(source);
    assert.ok(back instanceof Recommender);
    assert.equal((back as Recommender).recommend(['item-3', 'item-7', 'item-9'], { topN: 5 }), want);
  }
});

test('tag profiles: save/load a TagProfiler; same profile; unknown task refused', async () => {
  setEngine((await f32Backends())[2]);
  const data = syntheticTagDataset('tiny');
  const models = buildTagModels('mvke', data);
  const prof = new TagProfiler(models, tagVocabOf(data, Array.from({ length: data.itemTags.length }, (_, i) => `i${i}`)));
  const path = join(dir, 'mvke.safetensors');
  await save(prof, path);
  const back = await load(path);
  assert.ok(back instanceof TagProfiler);
  const user = data.users[data.samples.test[0]];
  assert.equal((back as TagProfiler).profile(user, { topK: 5, task: 'cvr' }), prof.profile(user, { topK: 5, task: 'cvr' }));
  assert.equal((back as TagProfiler).tasks, ['ctr', 'cvr']);
  assert.throws(() => prof.profile(user, { task: 'nope' as 'ctr' }), /task "nope" is not served \(have ctr, cvr\)/);
});

test('bad sources: missing file, not a checkpoint, truncated file', async () => {
  const missing = join(dir, 'nope.safetensors');
  await load(missing).then(() => assert.unreachable(), (e: Error) => assert.match(e.message, /nope\.safetensors/));
  const junk = join(dir, 'junk.safetensors');
  writeFileSync(junk, 'hello world, not a checkpoint');
  await load(junk).then(() => assert.unreachable(), (e: Error) => assert.match(e.message, /junk\.safetensors/));
  const good = readFileSync(join(dir, 'sa.safetensors'));
  await load(new Uint8Array(good.subarray(0, good.length - 10))).then(() => assert.unreachable(), (e: Error) => assert.match(e.message, /checkpoint|safetensors/));
});

test.run();
