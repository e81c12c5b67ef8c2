// Peak memory and time of resuming a large checkpoint: the file read whole and decoded
// (`trainer.resume(readFile(path))`, how `--resume` loaded before 2026-12-03) against the header
// read alone and each tensor streamed into the engine's memory (`loadCheckpoint`). The trainer's
// model is built from the checkpoint's own config (kind, items, D, K, optimizer, f16 state), on
// small synthetic data: the data plays no part in a load. RSS is sampled every 5 ms around the load.
// Run (one mode per process, so peaks do not mix; the path is only read):
//   node --expose-gc --import tsx bench/experiments/resume-memory.mts bytes|stream <checkpoint.safetensors>
import { readFile } from 'node:fs/promises';
import { init } from '../../src/engine/load.js';
import { createModel } from '../../src/models/registry.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { prepareRetrieval } from '../../src/data/protocol.js';
import { Trainer } from '../../src/train/trainer.js';
import { loadCheckpoint } from '../../src/train/checkpoint-file.js';
import { checkpointHeader } from '../../src/io/checkpoint.js';
import { readSafetensorsHeader } from '../../src/io/safetensors-file.js';

const [mode = 'stream', path] = process.argv.slice(2);
if (!path || (mode !== 'bytes' && mode !== 'stream')) throw new Error('usage: resume-memory.mts bytes|stream <checkpoint.safetensors>');
const MB = 1e6;
await init({ backend: 'wasm-simd', threads: 1 });
const header = checkpointHeader(await readSafetensorsHeader(path), path);
const config = header.config as Record<string, unknown> & { items: number };
const optim = header.optimizer?.kind === 'adagrad' ? 'adagrad' : 'adam';
const f16 = [...header.tensors.values()].some((t) => t.dtype === 'F16');
const model = createModel(header.kind.toLowerCase(), config);
const ds = prepareRetrieval(generateSynthetic('tiny').events, { filter: false });
const trainer = new Trainer(model, ds, { batchSize: 64, optimizer: optim, optimizerState: f16 ? 'f16' : 'f32' });
let peak = 0;
const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
const timer = setInterval(sample, 5);
global.gc?.();
const before = process.memoryUsage().rss;
const t0 = performance.now(), cpu0 = process.cpuUsage();
if (mode === 'bytes') trainer.resume(new Uint8Array(await readFile(path)), path);
else await loadCheckpoint(trainer, path);
sample();
clearInterval(timer);
const cpu = process.cpuUsage(cpu0);
let sum = 0;
for (const p of model.params.list()) for (const v of p.data) sum += v;
console.log(`${mode}: ${model.toString()}, ${optim}${f16 ? ' f16' : ''}, step ${trainer.step}: RSS before ${(before / MB).toFixed(0)} MB, peak during the load ${(peak / MB).toFixed(0)} MB (+${((peak - before) / MB).toFixed(0)} MB), ${((performance.now() - t0) / 1000).toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU; parameter sum ${sum}`);
