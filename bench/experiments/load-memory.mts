// Loading a checkpoint for serving: wall time and memory of `Recommender.load(path)`. Run under
// /usr/bin/time for the peak RSS, on a build before and after a change:
// /usr/bin/time -f "peak %M KB, %e s" node --import tsx bench/experiments/load-memory.mts taobao.safetensors
import { Recommender, init } from '../../src/node.js';

const path = process.argv[2];
if (!path) throw new Error('usage: load-memory.mts <checkpoint.safetensors>');
await init({ backend: 'wasm-simd' });
const t = performance.now();
const rec = await Recommender.load(path);
console.log(`loaded ${rec.vocab.size} items in ${((performance.now() - t) / 1000).toFixed(1)} s; rss now ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`);
