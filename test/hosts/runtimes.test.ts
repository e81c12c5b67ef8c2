// Loading in every runtime: the same forward + backward + Adam probe gives a bit-identical
// parameter checksum in Node, Deno, Bun, workerd (wasm imported as a module) and headless
// Chromium. Needs the compiled dist/ (npm test builds it first).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { CHROMIUM, probeBun, probeChromium, probeDeno, probeNode, probeWorkerd, type ProbeResult } from './hosts.js';

let node: ProbeResult;

test('node: probe runs on wasm-simd', async () => {
  node = await probeNode();
  assert.is(node.backend, 'wasm-simd');
  assert.match(node.checksum, /^[0-9a-f]{8}$/);
  assert.ok(Number.isFinite(node.loss));
});

test('node: the scalar build and the pure-TS backend run the same probe', async () => {
  const scalar = await probeNode('wasm');
  const js = await probeNode('js');
  assert.is(scalar.backend, 'wasm');
  assert.is(js.backend, 'js');
  // Different summation orders: same loss to float32 precision, not necessarily the same bits.
  assert.ok(Math.abs(scalar.loss - node.loss) < 1e-4, `scalar loss ${scalar.loss} vs simd ${node.loss}`);
  assert.ok(Math.abs(js.loss - node.loss) < 1e-4, `js loss ${js.loss} vs simd ${node.loss}`);
});

test('deno: bit-identical checksum', async () => {
  assert.equal(await probeDeno(), node);
});

test('bun: bit-identical checksum', async () => {
  assert.equal(await probeBun(), node);
});

test('workerd: bit-identical checksum with the wasm module import', async () => {
  assert.equal(await probeWorkerd(), node);
});

test('chromium: bit-identical checksum', async () => {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI) assert.unreachable(`chromium not found at ${CHROMIUM}; .ci/run installs it`);
    console.warn(`  (chromium not installed at ${CHROMIUM}: run apt-get install chromium; CI installs it)`);
    return;
  }
  assert.equal(await probeChromium(), node);
});

test.run();
