// safetensors codec: round trip, the spec's layout, every rejection path by name, and a fuzz of
// thousands of random mutations of a valid file (each loads or throws a clear error; never hangs).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeSafetensors, encodeSafetensors, fromTyped, asFloat32, asInt32, safetensorsChunks } from '../../src/io/safetensors.js';
import { writeFileAtomic } from '../../src/io/atomic-write.js';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../helpers/node-host.js'; // paths go through the library's file system

const sample = (): Uint8Array =>
  encodeSafetensors(
    [
      ['items', fromTyped(Float32Array.from({ length: 12 }, (_, i) => i / 3), [4, 3])],
      ['vocab', fromTyped(Int32Array.from([5, 9, 2]), [3])],
      ['empty', fromTyped(new Float32Array(0), [0, 3])],
    ],
    { model: 'ComiRecSA', config: '{"dim":3}' },
  );

function header(bytes: Uint8Array): Record<string, any> {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
}

function withHeader(h: object, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(h));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

test('round trip keeps values, shapes, dtypes and metadata', () => {
  const f = decodeSafetensors(sample());
  assert.equal(Array.from(asFloat32(f.tensors.get('items')!)), Array.from({ length: 12 }, (_, i) => Math.fround(i / 3)));
  assert.equal(Array.from(asInt32(f.tensors.get('vocab')!)), [5, 9, 2]);
  assert.equal(f.tensors.get('empty')!.shape, [0, 3]);
  assert.equal(f.metadata, { model: 'ComiRecSA', config: '{"dim":3}' });
});

test('layout follows the spec: u64 LE length, JSON header, contiguous offsets, aligned data', () => {
  const bytes = sample();
  const h = header(bytes);
  assert.equal(h.items, { dtype: 'F32', shape: [4, 3], data_offsets: [0, 48] });
  assert.equal(h.vocab.data_offsets, [48, 60]);
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.is((8 + n) % 8, 0);
  assert.is(bytes.length, 8 + n + 60);
});

test('rejections name the problem', () => {
  const good = sample();
  const h = header(good);
  const data = good.subarray(good.length - 60);
  const cases: [Uint8Array, RegExp][] = [
    [good.subarray(0, 5), /shorter than the 8-byte header length/],
    [good.subarray(0, 40), /runs past the end of the file/],
    [withHeader({ ...h, items: { ...h.items, dtype: 'F31' } }, data), /items: unknown dtype "F31"/],
    [withHeader({ ...h, items: { ...h.items, shape: [4, 4] } }, data), /items: F32\[4,4\] needs 64 bytes but data_offsets span 48/],
    [withHeader({ ...h, vocab: { ...h.vocab, data_offsets: [40, 52] } }, data), /overlap|hole/],
    [withHeader({ ...h, vocab: { ...h.vocab, data_offsets: [48, 70] } }, data), /outside the 60-byte data section/],
    [withHeader({ items: h.items }, data), /trailing bytes/],
    [withHeader({ ...h, __metadata__: { a: 1 } }, data), /__metadata__.a is not a string/],
  ];
  const broken = good.slice();
  broken[12] = 0x7b; // a '{' inside the JSON
  cases.push([broken, /not valid UTF-8 JSON|not a JSON object|unknown dtype|data_offsets|shape/]);
  for (const [bytes, re] of cases) assert.throws(() => decodeSafetensors(bytes, 'ckpt.safetensors'), re);
  assert.throws(() => decodeSafetensors(good.subarray(0, 5), 'ckpt.safetensors'), /safetensors: ckpt\.safetensors:/);
});

test('fuzz: 5,000 random mutations either load consistently or throw a clear error', () => {
  const good = sample();
  let s = 12345;
  const rand = (n: number) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s % n;
  };
  let loaded = 0;
  let rejected = 0;
  for (let i = 0; i < 5000; i++) {
    const m = good.slice(0, rand(4) === 0 ? rand(good.length + 1) : good.length);
    const flips = 1 + rand(4);
    for (let f = 0; f < flips && m.length; f++) m[rand(m.length)] = rand(256);
    try {
      const file = decodeSafetensors(m, 'fuzz');
      for (const t of file.tensors.values()) {
        const want = t.shape.reduce((a, b) => a * b, 1) * ({ F64: 8, I64: 8, F32: 4, I32: 4, F16: 2, BF16: 2, I16: 2 } as Record<string, number>)[t.dtype] || t.bytes.length;
        assert.is(t.bytes.length, want);
      }
      loaded++;
    } catch (e) {
      assert.match((e as Error).message, /^safetensors: fuzz: /);
      rejected++;
    }
  }
  assert.ok(rejected > 1000 && loaded > 0, `loaded ${loaded}, rejected ${rejected}`);
});

test('atomic write replaces the file and leaves no temp file behind', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mirec-atomic-'));
  const path = join(dir, 'model.safetensors');
  await writeFileAtomic(path, sample());
  await writeFileAtomic(path, 'second');
  assert.is(readFileSync(path, 'utf8'), 'second');
  assert.equal(readdirSync(dir), ['model.safetensors']);
  await assert_rejects(() => writeFileAtomic(join(dir, 'missing', 'x.bin'), 'x'), /writeFileAtomic: could not write .*x\.bin/);
  assert.is(readFileSync(path, 'utf8'), 'second');
});

test('chunks: header then each tensor as a view, the same bytes as one buffer; a chunk detached mid-write is refused, the old file kept', async () => {
  const items = Float32Array.from({ length: 12 }, (_, i) => i / 3);
  const tensors: [string, ReturnType<typeof fromTyped>][] = [['items', fromTyped(items, [4, 3])], ['vocab', fromTyped(Int32Array.from([5, 9, 2]), [3])]];
  const chunks = safetensorsChunks(tensors, { model: 'ComiRecSA' });
  assert.is(chunks.length, 3);
  assert.is(chunks[1].buffer, items.buffer);
  assert.is(chunks[0].byteLength % 8, 0);
  const whole = encodeSafetensors(tensors, { model: 'ComiRecSA' });
  const dir = mkdtempSync(join(tmpdir(), 'mirec-chunks-'));
  const path = join(dir, 'model.safetensors');
  await writeFileAtomic(path, chunks);
  assert.ok(Buffer.from(readFileSync(path)).equals(Buffer.from(whole)));
  assert.equal(Array.from(asFloat32(decodeSafetensors(readFileSync(path)).tensors.get('items')!)), Array.from(items));
  const moving = new ArrayBuffer(64);
  const pending = writeFileAtomic(path, [new Uint8Array(16), new Uint8Array(moving)]);
  structuredClone(moving, { transfer: [moving] }); // detaches it, as a grown wasm memory detaches its views
  await assert_rejects(() => pending, /chunk 1 changed from 64 to 0 bytes/);
  assert.ok(Buffer.from(readFileSync(path)).equals(Buffer.from(whole)));
  assert.equal(readdirSync(dir), ['model.safetensors']);
});

async function assert_rejects(fn: () => Promise<unknown>, re: RegExp) {
  try {
    await fn();
  } catch (e) {
    assert.match((e as Error).message, re);
    return;
  }
  assert.unreachable('expected a rejection');
}

test.run();
