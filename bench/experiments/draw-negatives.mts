// One batch's negatives: `sampleNegatives` (1,280 unique log-uniform ids from 50k items) timed on
// one thread, 200 draws per block, the median of 15 blocks.
// Run: node --import tsx bench/experiments/draw-negatives.mts
import { init } from '../../src/engine/load.js';
import { Rng } from '../../src/engine/random.js';
import { sampleNegatives } from '../../src/loss/sampled-softmax.js';

const e = await init({ backend: 'wasm-simd' });
const rng = new Rng(5);
for (let i = 0; i < 300; i++) sampleNegatives(rng, 'logUniform', 50_000, 1280, e);
const blocks: number[] = [];
for (let r = 0; r < 15; r++) {
  const t = performance.now();
  for (let i = 0; i < 200; i++) sampleNegatives(rng, 'logUniform', 50_000, 1280, e);
  blocks.push(((performance.now() - t) / 200) * 1000);
}
blocks.sort((a, b) => a - b);
console.log(`${blocks[7].toFixed(0)} µs per draw of 1280 negatives from 50k items (median of 15 blocks of 200)`);
