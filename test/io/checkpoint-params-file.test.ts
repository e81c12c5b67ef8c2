// readCheckpointParams (the CLI's --checkpoint for serving): the header and the `param.*` tensors
// only. A served model equals the one loaded from the whole file; the optimizer's moments are
// never read (garbage there does not matter); a bad parameter, a cut file or a missing one is a
// clear error naming the file and the tensor.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { init } from '../../src/engine/load.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { prepareRetrieval } from '../../src/data/protocol.js';
import { ComiRecSA } from '../../src/models/comirec-sa.js';
import { Trainer } from '../../src/train/trainer.js';
import { decodeCheckpointHeader } from '../../src/io/checkpoint.js';
import { readCheckpointParams } from '../../src/io/checkpoint-params-file.js';
import { Recommender } from '../../src/serve/recommender.js';
import { setHostFiles } from '../../src/data/host-files.js';
import { nodeFiles } from '../../src/io/node-host.js';

const ds = prepareRetrieval(generateSynthetic('tiny').events, { filter: false });
const dir = mkdtempSync(join(tmpdir(), 'mirec-params-file-'));

async function trainedFile(): Promise<{ path: string; bytes: Uint8Array }> {
  await init({ backend: 'wasm-simd' });
  const t = new Trainer(new ComiRecSA({ items: ds.vocab.size, dim: 16, seqLen: 20, seed: 2 }), ds, { batchSize: 64, lr: 5e-3, evalEvery: 100, maxSteps: 10 });
  t.fit();
  const bytes = t.checkpoint({ vocab: ds.vocab.toJSON() });
  const path = join(dir, 'ck.safetensors');
  writeFileSync(path, bytes);
  return { path, bytes };
}

/** The byte range in the file of tensor `name`. */
function span(bytes: Uint8Array, name: string): [number, number] {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const t = decodeCheckpointHeader(bytes).tensors.get(name) as unknown as { begin: number; end: number };
  return [8 + n + t.begin, 8 + n + t.end];
}

test('the parameters alone give the model the whole file gives; the optimizer moments are never read', async () => {
  const { path, bytes } = await trainedFile();
  const ck = await readCheckpointParams(path);
  const names = [...ck.tensors.keys()];
  assert.ok(names.length > 0 && names.every((n) => n.startsWith('param.')), names.join(' '));
  assert.ok([...decodeCheckpointHeader(bytes).tensors.keys()].some((n) => n.startsWith('optim.')), 'the file does hold optimizer state');
  const whole = Recommender.fromBytes(bytes, path);
  const params = Recommender.fromCheckpoint(ck, path);
  const history = ds.vocab.ids.slice(1, 8);
  assert.equal(params.recommend(history, { topN: 10 }), whole.recommend(history, { topN: 10 }));
  for (const [name, t] of whole.model.params!.tensors) assert.equal(Array.from(params.model.params!.tensors.get(name)!.data), Array.from(t.data), name);
  // NaN in every optimizer moment: serving does not read them.
  const spoilt = bytes.slice();
  for (const name of decodeCheckpointHeader(bytes).tensors.keys()) {
    if (!name.startsWith('optim.')) continue;
    const [a, b] = span(bytes, name);
    spoilt.fill(0xff, a, b);
  }
  writeFileSync(path, spoilt);
  assert.equal(Recommender.fromCheckpoint(await readCheckpointParams(path), path).recommend(history, { topN: 10 }), whole.recommend(history, { topN: 10 }));
});

test('a NaN weight, a cut file and a missing file are errors naming the file and the tensor', async () => {
  const { path, bytes } = await trainedFile();
  const name = [...decodeCheckpointHeader(bytes).tensors.keys()].find((n) => n.startsWith('param.'))!;
  const bad = bytes.slice();
  const [a] = span(bytes, name);
  new DataView(bad.buffer).setFloat32(a, NaN, true);
  writeFileSync(path, bad);
  const ck = await readCheckpointParams(path);
  assert.throws(() => Recommender.fromCheckpoint(ck, path), (e: Error) => e.message.includes(path) && e.message.includes(`tensor ${name} holds NaN at index 0`));
  writeFileSync(path, bytes);
  truncateSync(path, bytes.length - 100);
  await readCheckpointParams(path).then(() => assert.unreachable('a cut file loaded'), (e: Error) => assert.ok(e.message.includes(path) && /ends|offset|beyond|size/.test(e.message), e.message));
  await readCheckpointParams(join(dir, 'none.safetensors')).then(() => assert.unreachable(), (e: Error) => assert.match(e.message, /none\.safetensors: no such file/));
  assert.ok(readFileSync(path).length === bytes.length - 100);
});

test('Recommender.load of a path reads the header and the weights only, never the optimizer state', async () => {
  const { path, bytes } = await trainedFile();
  const reads: [number, number][] = [];
  setHostFiles({
    ...nodeFiles,
    async openRanges(p) {
      const f = await nodeFiles.openRanges(p);
      return { size: f.size, close: () => f.close(), read: (d, o, l, at) => (reads.push([at, at + l]), f.read(d, o, l, at)) };
    },
  });
  try {
    const rec = await Recommender.load(path);
    const history = ds.vocab.ids.slice(1, 8);
    assert.equal(rec.recommend(history, { topN: 10 }), Recommender.fromBytes(bytes, path).recommend(history, { topN: 10 }));
  } finally {
    setHostFiles(nodeFiles);
  }
  const names = [...decodeCheckpointHeader(bytes).tensors.keys()];
  const optim = names.filter((n) => n.startsWith('optim.')).map((n) => span(bytes, n));
  assert.ok(optim.length > 0);
  for (const [a, b] of reads) assert.ok(optim.every(([x, y]) => b <= x || a >= y), `read [${a}, ${b}) overlaps an optimizer tensor`);
  const params = names.filter((n) => n.startsWith('param.')).map((n) => span(bytes, n)).reduce((s, [a, b]) => s + b - a, 0);
  const read = reads.reduce((s, [a, b]) => s + b - a, 0);
  const headerBytes = span(bytes, names[0])[0] - decodeCheckpointHeader(bytes).tensors.get(names[0])!.begin;
  assert.is(read, headerBytes + params, 'the header, then each parameter once');
  await Recommender.load(join(dir, 'none.safetensors')).then(() => assert.unreachable(), (e: Error) => assert.match(e.message, /none\.safetensors: no such file/));
});

test.run();
