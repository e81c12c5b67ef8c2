// Peak memory of writing one checkpoint of a large model: the bytes assembled in one buffer (how
// checkpoints were written before 2026-12-03) against the header and tensor views streamed to the
// file (`writeFileAtomic(path, checkpointChunks(...))`). Weights and Adam moments as a trainer
// holds them; RSS is sampled around the write. Run (one mode per process, so peaks do not mix):
//   node --import tsx bench/experiments/checkpoint-memory.mts bytes|chunks [items] [dim] [out]
import { init } from '../../src/engine/load.js';
import { ComiRecSA } from '../../src/models/comirec-sa.js';
import { Adam } from '../../src/optim/adam.js';
import { checkpointChunks, encodeCheckpoint } from '../../src/io/checkpoint.js';
import { writeFileAtomic } from '../../src/io/atomic-write.js';

const [mode = 'chunks', items = '1327589', dim = '64', out = '/tmp/checkpoint-memory.safetensors'] = process.argv.slice(2);
const MB = 1e6;
await init({ backend: 'wasm-simd', threads: 1 });
const model = new ComiRecSA({ items: Number(items), dim: Number(dim) });
const adam = new Adam(model.params.list(), { lr: 1e-3 });
const parts = { kind: model.kind, config: model.config, params: model.params, optimizer: { kind: 'adam', t: 0, state: adam.state() } };
let peak = 0;
const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
const timer = setInterval(sample, 5);
global.gc?.();
const before = process.memoryUsage().rss;
const t0 = performance.now();
await writeFileAtomic(out, mode === 'bytes' ? encodeCheckpoint(parts) : checkpointChunks(parts));
sample();
clearInterval(timer);
console.log(`${mode}: ${items} items x ${dim}: RSS before ${(before / MB).toFixed(0)} MB, peak during the write ${(peak / MB).toFixed(0)} MB (+${((peak - before) / MB).toFixed(0)} MB), ${((performance.now() - t0) / 1000).toFixed(1)} s`);
