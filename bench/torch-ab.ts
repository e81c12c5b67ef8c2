// ComiRec-SA's step in mirec (1 and BENCH_THREADS threads) against PyTorch 1.13 (1 and 2 threads,
// Debian's python3-torch running bench/torch/comirec_sa_step.py in its "serve" mode), alternating
// in blocks of ≈ 0.3 s in one run, the order rotated every round: each round's ratio (best mirec
// over best PyTorch) is taken under one machine state, so drift between the sides does not enter it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { init } from '../src/engine/load.js';
import { setEngine } from '../src/engine/current.js';
import type { Engine } from '../src/engine/engine.js';
import { installNodeHost } from '../src/io/node-host.js';
import { ComiRecSA } from '../src/models/comirec-sa.js';
import { stepCase } from './train-step.js';

const PYTHON = '/usr/bin/python3';
const BLOCK_SECONDS = 0.3;

/** The PyTorch step as a child process: `run(threads)` steps for one block and gives steps/s. */
function torchSide(): { run: (threads: number) => Promise<number>; close: () => void } {
  const child = spawn(PYTHON, ['bench/torch/comirec_sa_step.py', 'serve'], {
    env: { ...process.env, OMP_NUM_THREADS: '2', OPENBLAS_NUM_THREADS: '1' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return {
    async run(threads) {
      child.stdin!.write(`${threads} ${BLOCK_SECONDS}\n`);
      const next = await lines.next();
      if (next.done) throw new Error('torch-ab: the PyTorch process ended (is python3-torch installed?)');
      const r = JSON.parse(next.value) as { steps: number; seconds: number; threads: number };
      if (r.threads !== threads) throw new Error(`torch-ab: PyTorch ran ${r.threads} threads, asked ${threads}`);
      return r.steps / r.seconds;
    },
    close: () => child.stdin!.end(),
  };
}

export async function benchTorchInterleaved(): Promise<string> {
  if (!existsSync(PYTHON)) return `torch-ab: ${PYTHON} not found (install Debian's python3-torch)`;
  installNodeHost();
  const many = Number(process.env.BENCH_THREADS ?? 2);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 9);
  const common = { items: 50_000, dim: 64, interests: 4, seqLen: 20 };
  const eMany = await init({ backend: 'wasm-simd', threads: many });
  const caseMany = stepCase('ComiRec-SA step', new ComiRecSA(common), 1e-3, 'many');
  const eOne = await init({ backend: 'wasm-simd', threads: 1 });
  const caseOne = stepCase('ComiRec-SA step', new ComiRecSA(common), 1e-3, 'one');
  const block = (e: Engine, fn: () => void): number => {
    setEngine(e);
    const t0 = performance.now();
    let n = 0;
    do {
      fn();
      n++;
    } while (performance.now() - t0 < BLOCK_SECONDS * 1000);
    return (n * 1000) / (performance.now() - t0);
  };
  const torch = torchSide();
  try {
    // Warm-up: TurboFan on both mirec sides, PyTorch's thread pools.
    block(eOne, caseOne.fn); block(eMany, caseMany.fn); await torch.run(1); await torch.run(2);
    const sides: (() => Promise<number>)[] = [
      async () => block(eOne, caseOne.fn), async () => block(eMany, caseMany.fn), () => torch.run(1), () => torch.run(2),
    ];
    const got: number[][] = sides.map(() => []);
    const ratios: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const now = new Array<number>(sides.length);
      for (let j = 0; j < sides.length; j++) {
        const s = (j + r) % sides.length;
        now[s] = await sides[s]();
      }
      now.forEach((v, s) => got[s].push(v));
      ratios.push(Math.max(now[0], now[1]) / Math.max(now[2], now[3]));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    const f = (x: number) => x.toFixed(2);
    return [
      `| ComiRec-SA step (steps/s, median of ${rounds} rounds) | mirec 1 thread | mirec ${eMany.threads} threads | PyTorch 1.13, 1 thread | PyTorch 1.13, 2 threads | best mirec / best PyTorch per round: median [min–max] |`,
      '|---|---:|---:|---:|---:|---|',
      `| B 128, T 20, D 64, K 4, S 1280, N 50k | ${got.map((g) => median(g).toFixed(1)).join(' | ')} | ${f(median(ratios))}x [${f(Math.min(...ratios))}–${f(Math.max(...ratios))}] |`,
    ].join('\n');
  } finally {
    torch.close();
    eMany.close();
  }
}
