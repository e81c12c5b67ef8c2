// init(): backend selection, explicit sources (bytes, module), the pure-TS fallback and its single
// warning, errors before init, debug-mode NaN reports.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, engine, setEngine, embeddedBytes, hasWasmSimd, setDebug } from '../../src/engine/load.js';
import { Engine } from '../../src/engine/engine.js';
import { tensor } from '../../src/tensor.js';
import { add } from '../../src/ops/index.js';

test('engine() before init names the fix', () => {
  setEngine(null as unknown as Engine);
  assert.throws(() => engine(), /call `await init\(\)` first/);
});

test('default init picks wasm-simd here and is idempotent', async () => {
  assert.ok(hasWasmSimd());
  const e = await init();
  assert.is(e.backend, 'wasm-simd');
  assert.is(await init(), e);
  assert.match(e.toString(), /Engine\(wasm-simd, memory=/);
});

test('explicit backends and sources', async () => {
  assert.is((await init({ backend: 'wasm' })).backend, 'wasm');
  assert.is((await init({ backend: 'js' })).backend, 'js');
  assert.is((await init({ bytes: await embeddedBytes(false), simd: false })).backend, 'wasm');
  const mod = await WebAssembly.compile(await embeddedBytes(true));
  assert.is((await init({ module: mod })).backend, 'wasm-simd');
});

test('a module that fails to compile falls back to pure TS with one warning', async () => {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (m: string) => warnings.push(m);
  try {
    const e = await init({ bytes: new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9]) });
    assert.is(e.backend, 'js');
    assert.is(warnings.length, 1);
    assert.match(warnings[0], /pure-TS kernels .*wasm could not be compiled/);
  } finally {
    console.warn = warn;
  }
});

test('debug mode names the op, the tensor and the index of a NaN', async () => {
  await init({ backend: 'wasm-simd' });
  setDebug(1);
  try {
    const a = tensor([1, 2, NaN, 4], [2, 2]);
    const b = tensor([1, 1, 1, 1], [2, 2]);
    assert.throws(() => add(a, b), /add: input \[2,2\] holds NaN at flat index 2: \[2,2\] x \[2,2\]/);
  } finally {
    setDebug(0);
  }
});

test.run();
