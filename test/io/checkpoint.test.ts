// Model checkpoints: round trip of parameters, optimizer state and metadata; a checkpoint of
// another kind, a wrong shape or a missing tensor is refused and leaves the model untouched.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { oracle } from '../helpers/engines.js';
import { setEngine } from '../../src/engine/load.js';
import { Rng } from '../../src/engine/random.js';
import { ParamStore } from '../../src/nn/params.js';
import { decodeCheckpoint, decodeCheckpointHeader, encodeCheckpoint, loadParams, loadOptimizerState } from '../../src/io/checkpoint.js';
import { encodeSafetensors, fromTyped } from '../../src/io/safetensors.js';
import { poolTensor } from '../../src/tensor.js';

function store(seed: number, rows = 6): ParamStore {
  const e = setEngine(oracle());
  const ps = new ParamStore(new Rng(seed), e);
  ps.create('items', [rows, 4], { kind: 'glorot' }, { paddingRow: true, sparse: true });
  ps.create('w', [4, 4]);
  return ps;
}

test('round trip: parameters, optimizer state, config, vocab, extra', () => {
  const a = store(1);
  const m = poolTensor([4, 4], Array.from({ length: 16 }, (_, i) => i));
  const bytes = encodeCheckpoint({ kind: 'toy', config: { dim: 4 }, params: a, optimizer: { kind: 'adam', t: 7, state: [{ name: 'm.w', tensor: m }] }, vocab: { ids: ['a', 'b'] }, extra: { step: 7 } });
  const ck = decodeCheckpoint(bytes, 'toy.safetensors');
  assert.equal(ck.config, { dim: 4 });
  assert.equal(ck.vocab, { ids: ['a', 'b'] });
  assert.equal(ck.extra, { step: 7 });
  assert.equal(ck.optimizer, { kind: 'adam', t: 7 });
  const b = store(2);
  loadParams(ck, b);
  for (const [name, t] of a.tensors) assert.equal(Array.from(b.get(name).data), Array.from(t.data).map(Math.fround));
  const m2 = poolTensor([4, 4]);
  loadOptimizerState(ck, [{ name: 'm.w', tensor: m2 }]);
  assert.equal(Array.from(m2.data), Array.from(m.data));
});

test('refusals name the problem and never half-load', () => {
  const a = store(1);
  const ck = decodeCheckpoint(encodeCheckpoint({ kind: 'toy', config: {}, params: a }), 'a.safetensors');
  const b = store(3, 9);
  const before = Array.from(b.get('w').data);
  assert.throws(() => loadParams(ck, b, 'a.safetensors'), /a\.safetensors does not fit toy: param\.items is \[6,4\] in the file, the model expects \[9,4\]/);
  assert.equal(Array.from(b.get('w').data), before, 'nothing written');
  const other = encodeSafetensors([['x', fromTyped(new Float32Array(2), [2])]], { format: 'something-else' });
  assert.throws(() => decodeCheckpoint(other, 'x.safetensors'), /x\.safetensors: not a mirec checkpoint/);
  const c = store(4);
  c.create('extra', [2]);
  assert.throws(() => loadParams(ck, c), /missing tensor param\.extra/);
});

test('decodeCheckpointHeader: the metadata and each tensor\'s place, the same checks, no tensor copied', () => {
  const m = poolTensor([4, 4], Array.from({ length: 16 }, (_, i) => i));
  const bytes = encodeCheckpoint({ kind: 'toy', config: { dim: 4 }, params: store(1), optimizer: { kind: 'adam', t: 7, state: [{ name: 'm.w', tensor: m }] }, extra: { step: 7 } });
  const full = decodeCheckpoint(bytes, 'toy.safetensors'), head = decodeCheckpointHeader(bytes, 'toy.safetensors');
  assert.equal([head.kind, head.config, head.extra, head.optimizer], [full.kind, full.config, full.extra, full.optimizer]);
  assert.equal([...head.tensors.keys()], [...full.tensors.keys()]);
  for (const [name, t] of head.tensors) {
    assert.equal(t.shape, full.tensors.get(name)!.shape);
    assert.is(t.end - t.begin, full.tensors.get(name)!.bytes.byteLength);
    assert.not.ok('bytes' in t, 'a header entry holds no bytes');
  }
  assert.throws(() => decodeCheckpointHeader(bytes.subarray(0, bytes.length - 4), 'cut.safetensors'), /cut\.safetensors: .*outside the \d+-byte data section/);
});

test.run();
