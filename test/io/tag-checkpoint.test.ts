// Tag checkpoints: every tag model survives a save/load round trip with identical scores, user
// fields remap across vocabularies by raw id, and wrong files (retrieval checkpoints, garbage,
// mismatched vocabularies) are refused with a message saying why.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init } from '../../src/engine/load.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { syntheticTagDataset } from '../../src/data/tag-datasets.js';
import { buildTagModels, TAG_MODELS } from '../../src/train/tag-experiment.js';
import { fieldBatch } from '../../src/nn/field-batch.js';
import { trainTagModel } from '../../src/train/train-tag-model.js';
import { decodeTagCheckpoint, encodeTagCheckpoint, remapUserFields, tagVocabOf, TAG_CHECKPOINT_KIND } from '../../src/io/tag-checkpoint.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint.js';
import { ParamStore } from '../../src/nn/params.js';
import { Rng } from '../../src/engine/random.js';

const setup = async () => {
  await init();
  const data = syntheticTagDataset('tiny');
  return { data, vocab: tagVocabOf(data, generateSynthetic('tiny').events.itemIds) };
};

test('round trip: every tag model scores identically after save and load', async () => {
  const { data, vocab } = await setup();
  const users = fieldBatch(data.fields, data.users.slice(0, 7));
  for (const name of TAG_MODELS) {
    const models = buildTagModels(name, data);
    for (const m of models) trainTagModel(m, data, { epochs: 1, lr: 0.01 });
    const bytes = encodeTagCheckpoint(models, vocab, { dataset: data.name });
    const back = decodeTagCheckpoint(bytes, `${name}.safetensors`);
    assert.is(back.models.length, models.length, name);
    assert.is(back.extra.dataset, data.name);
    models.forEach((m, i) => {
      const b = back.models[i];
      assert.is(b.kind, m.kind);
      assert.equal([...b.tasks], [...m.tasks]);
      assert.equal(b.tagNames, m.tagNames);
      const [x, y] = [m.scoreTags(users), b.scoreTags(users)];
      x.forEach((s, t) => assert.equal(Array.from(y[t]), Array.from(s), `${name} task ${t}`));
    });
  }
});

test('refuses a retrieval checkpoint, garbage, and a vocabulary that does not fit', async () => {
  const { data, vocab } = await setup();
  const params = new ParamStore(new Rng(1));
  params.create('item.emb', [4, 2]);
  const retrieval = encodeCheckpoint({ kind: 'comirec-sa', config: { items: 4 }, params });
  assert.throws(() => decodeTagCheckpoint(retrieval, 'r.safetensors'), /r\.safetensors holds a "comirec-sa" model, not a tag-profile model/);
  assert.throws(() => decodeTagCheckpoint(new TextEncoder().encode('not a checkpoint at all'), 'x.bin'), /x\.bin/);
  const [mvke] = buildTagModels('mvke', data);
  const short = { ...vocab, tagNames: vocab.tagNames.slice(0, -1) };
  assert.throws(() => encodeTagCheckpoint([mvke], short), /tag ids/);
  // Shapes: a config claiming D 8 over D 32 tensors is refused, naming the tensor and both shapes.
  const ck = decodeCheckpoint(encodeTagCheckpoint([mvke], vocab));
  const config = ck.config as { models: { config: Record<string, unknown> }[] };
  config.models[0].config.dim = 8;
  const prefixed = new Map([...mvke.params!.tensors].map(([n, t]) => [`m0.${n}`, t]));
  const lying = encodeCheckpoint({ kind: TAG_CHECKPOINT_KIND, config, params: prefixed, vocab: ck.vocab });
  assert.throws(() => decodeTagCheckpoint(lying, 'lying.safetensors'), /lying\.safetensors does not fit .*needs param\.m0\.\S+ as \[\d+,8\], the file holds \[\d+,32\]/);
});

test('remapUserFields maps items and tags by raw id, drops unknown ones, keeps buckets', async () => {
  const { data, vocab } = await setup();
  // A model vocabulary with reversed item ids and tag names (same names, different ids).
  const to = { ...vocab, items: [...vocab.items].reverse(), tagNames: ['<pad>', ...vocab.tagNames.slice(1).reverse()] };
  const u = data.users[0];
  const r = remapUserFields(u, vocab, to);
  const I = vocab.items.length, N = vocab.tagNames.length;
  const items = u[0] as { ids: Int32Array; weights: Float32Array };
  assert.equal(Array.from((r[0] as typeof items).ids), Array.from(items.ids, (id) => I + 1 - id));
  assert.equal(Array.from((r[0] as typeof items).weights), Array.from(items.weights));
  const tags = u[1] as typeof items;
  assert.equal(Array.from((r[1] as typeof items).ids), Array.from(tags.ids, (id) => N - id));
  assert.is(r[2], u[2]);
  const fewer = { ...to, items: to.items.slice(0, 3) };
  assert.ok((remapUserFields(u, vocab, fewer)[0] as typeof items).ids.every((id) => id >= 1 && id <= 3));
  assert.throws(() => remapUserFields(u, vocab, { ...to, fields: to.fields.slice(1), values: to.values.slice(1) }), /differ from the model's/);
});

test.run();
