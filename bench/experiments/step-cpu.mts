// CPU time per ComiRec-SA step (B 128, T 20, D 64, K 4, S 1280, 50k items, one thread; the
// train-step bench's batches), with --split the kernels (wrapped) against the JavaScript rest per
// phase (forward + loss, backward, optimizer, arena reset); prints a checksum of the parameters so
// a change to the tape or the ops can be checked for bit-identity. process.cpuUsage: robust to a
// contended machine. Run: node --import tsx bench/experiments/step-cpu.mts [steps] [--split]
import { init } from '../../src/engine/load.js';
import { Rng } from '../../src/engine/random.js';
import { backward } from '../../src/autograd/tape.js';
import { Adam } from '../../src/optim/adam.js';
import { ComiRecSA } from '../../src/models/comirec-sa.js';
import { benchBatches } from '../train-step.js';
const e = await init();
const model = new ComiRecSA({ items: 50_000, dim: 64, interests: 4, seqLen: 20 });
const opt = new Adam(model.params.list(), { lr: 1e-3 });
const batches = benchBatches(20);
const rng = new Rng(9);
const cpu = () => { const c = process.cpuUsage(); return c.user + c.system; };
let kern = 0, calls = 0;
const k = e.k as unknown as Record<string, (...a: number[]) => unknown>;
const wrap = process.argv.includes('--split');
if (wrap) for (const name of Object.keys(k)) { const fn = k[name]; k[name] = (...a: number[]) => { const t = cpu(); const r = fn(...a); kern += cpu() - t; calls++; return r; }; }
const steps = Number(process.argv[2] ?? 200);
let i = 0;
const ph = [0, 0, 0, 0], pk = [0, 0, 0, 0];
const timed = (j: number, f: () => unknown) => { const k0 = kern, t = cpu(); const r = f(); ph[j] += cpu() - t; pk[j] += kern - k0; return r; };
const one = () => { const loss = timed(0, () => model.loss(batches[i++ % batches.length], rng)) as any; timed(1, () => backward(loss)); timed(2, () => opt.step()); timed(3, () => e.heap.resetArena()); };
for (let w = 0; w < 20; w++) one();
kern = 0; calls = 0; ph.fill(0); pk.fill(0);
const t0 = cpu();
for (let s = 0; s < steps; s++) one();
const total = cpu() - t0;
let h = 0;
for (const p of model.params.list()) { const d = new Uint32Array(Float32Array.from(p.data).buffer); for (let j = 0; j < d.length; j++) h = (Math.imul(h, 31) + d[j]) >>> 0; }
console.log(`ComiRec-SA step: ${(total / steps / 1000).toFixed(2)} ms CPU/step` + (wrap ? ` (kernels ${(kern / steps / 1000).toFixed(2)}, rest ${((total - kern) / steps / 1000).toFixed(2)}, ${(calls / steps).toFixed(0)} kernel calls/step)` : '') + `; params checksum ${h.toString(16)}`);
if (wrap) console.log(['forward+loss', 'backward', 'optimizer', 'reset'].map((n, j) => `${n}: total ${(ph[j] / steps / 1000).toFixed(2)} ms, JS ${((ph[j] - pk[j]) / steps / 1000).toFixed(2)} ms`).join('; '));
