// loadRecommender / loadTagProfiler: each returns its own class (so `rec.recommend(...)` type-checks
// under tsc --strict without a cast, checked here by compiling a consumer program), and each
// refuses the other family's checkpoint with a message naming the file and the right function.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { setEngine } from '../../src/engine/load.js';
import { ComiRecSA } from '../../src/models/comirec-sa.js';
import { Vocabulary } from '../../src/data/vocab.js';
import { Recommender } from '../../src/serve/recommender.js';
import { TagProfiler } from '../../src/serve/tag-profiler.js';
import { save, loadRecommender, loadTagProfiler } from '../../src/serve/save-load.js';
import { syntheticTagDataset } from '../../src/data/tag-datasets.js';
import { buildTagModels } from '../../src/train/tag-experiment.js';
import { tagVocabOf } from '../../src/io/tag-checkpoint.js';
import { f32Backends } from '../helpers/engines.js';
import '../helpers/node-host.js'; // paths go through the library's file system

const dir = mkdtempSync(join(tmpdir(), 'mirec-typed-load-'));
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

test('loadRecommender and loadTagProfiler return their class and refuse the other family', async () => {
  setEngine((await f32Backends())[2]);
  const ids = Array.from({ length: 30 }, (_, i) => `item-${i + 1}`);
  const vocab = new Vocabulary(['', ...ids], new Int32Array(31).fill(1), 30);
  const rec = new Recommender(new ComiRecSA({ items: 31, dim: 8, interests: 2, seqLen: 5, seed: 2 }), vocab);
  const recPath = join(dir, 'rec.safetensors');
  await save(rec, recPath);
  const data = syntheticTagDataset('tiny');
  const prof = new TagProfiler(buildTagModels('mvke', data), tagVocabOf(data, Array.from({ length: data.itemTags.length }, (_, i) => `i${i}`)));
  const tagPath = join(dir, 'tags.safetensors');
  await save(prof, tagPath);

  const back: Recommender = await loadRecommender(recPath);
  assert.ok(back instanceof Recommender);
  assert.equal(back.recommend(['item-2', 'item-5'], { topN: 4 }), rec.recommend(['item-2', 'item-5'], { topN: 4 }));
  const tags: TagProfiler = await loadTagProfiler(tagPath);
  assert.ok(tags instanceof TagProfiler);
  assert.equal(tags.tasks, ['ctr', 'cvr']);

  await loadRecommender(tagPath).then(() => assert.unreachable(), (e: Error) =>
    assert.match(e.message, /loadRecommender: .*tags\.safetensors holds user-tag profile models .*load it with loadTagProfiler\(\)/));
  await loadTagProfiler(recPath).then(() => assert.unreachable(), (e: Error) =>
    assert.match(e.message, /loadTagProfiler: .*rec\.safetensors holds a retrieval model \(ComiRec-SA.*load it with loadRecommender\(\)/));
  await loadRecommender(join(dir, 'missing.safetensors')).then(() => assert.unreachable(), (e: Error) => assert.match(e.message, /missing\.safetensors/));
});

test('tsc --strict: the loaded objects are typed without casts', () => {
  const file = join(dir, 'consumer.mts'); // an ES module: top-level await
  const entry = join(ROOT, 'src', 'index.js');
  writeFileSync(file, `import { loadRecommender, loadTagProfiler } from ${JSON.stringify(entry)};
const rec = await loadRecommender('model.safetensors');
const top: { item: string; score: number }[] = rec.recommend(['a', 'b'], { topN: 10 });
const batch = rec.recommendBatch([['a'], ['b']]);
const vectors: Float32Array[] = rec.interests(['a']);
const profiler = await loadTagProfiler('tags.safetensors');
const tasks: readonly string[] = profiler.tasks;
export { top, batch, vectors, tasks };
`);
  const program = ts.createProgram([file], {
    strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext, skipLibCheck: true, types: ['node'], lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    typeRoots: [join(ROOT, 'node_modules', '@types')],
  });
  const errors = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  assert.equal(errors, []);
});

test.run();
