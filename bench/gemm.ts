// Benchmark suite of the gemm family: square (512^3, 1024^3), the ComiRec training and scoring
// shapes (2560x64x64, 128 users x 1281 or 4096 items, the TN weight gradient, 128 batched
// [4,20]x[20,64]) and narrow ones, in GFLOP/s = 2·M·N·K·batch / s, for the plain-JS reference,
// wasm (scalar), wasm-simd and tfjs-backend-wasm (XNNPACK, single thread, result read back).
// Run: `npm run build:wasm --silent && node --import tsx bench/run.ts gemm`.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { runSuite, table, type BenchCase } from './harness.js';
import { benchEngines, buf, implName } from './embedding.js';

type Kind = 'nn' | 'nt' | 'tn';
interface Shape { kind: Kind; M: number; N: number; K: number; batch?: number; label?: string }

const SHAPES: Shape[] = [
  { kind: 'nn', M: 512, N: 512, K: 512 },
  { kind: 'nt', M: 512, N: 512, K: 512 },
  { kind: 'tn', M: 512, N: 512, K: 512 },
  { kind: 'nn', M: 1024, N: 1024, K: 1024 },
  { kind: 'nn', M: 128, N: 64, K: 64 },
  { kind: 'nn', M: 2560, N: 64, K: 64, label: 'B·T rows x D x D' },
  { kind: 'nt', M: 2560, N: 64, K: 64, label: 'dX = dY Wᵀ' },
  { kind: 'tn', M: 64, N: 64, K: 2560, label: 'dW = Xᵀ dY' },
  { kind: 'nn', M: 128, N: 64, K: 4096 },
  { kind: 'nt', M: 128, N: 64, K: 4096 },
  { kind: 'nn', M: 128, N: 4096, K: 64 },
  { kind: 'nt', M: 128, N: 4096, K: 64, label: 'scores vs 4096 items' },
  { kind: 'nt', M: 128, N: 1281, K: 64, label: 'scores vs 1281 sampled items' },
  { kind: 'nn', M: 512, N: 64, K: 20 },
  { kind: 'nn', M: 512, N: 20, K: 64 },
  { kind: 'nn', M: 2560, N: 4, K: 64, label: 'N ≤ 4' },
  { kind: 'nn', M: 4, N: 64, K: 64, label: 'M ≤ 4' },
  { kind: 'nn', M: 4, N: 64, K: 20, batch: 128, label: '[128,4,20]x[128,20,64]' },
  { kind: 'nt', M: 4, N: 64, K: 20, batch: 128, label: '[128,4,20]x[128,64,20]ᵀ' },
  { kind: 'nt', M: 4, N: 20, K: 64, batch: 128, label: 'attention backward dA = dV·Hᵀ' },
  { kind: 'tn', M: 20, N: 64, K: 4, batch: 128, label: 'attention backward dH = Aᵀ·dV' },
];

/** Skip the slow implementations where one call would take seconds. */
const MAX_FLOPS = { reference: 3e8, wasm: 3e9 } as Record<string, number>;

const name = (s: Shape) =>
  `${s.kind} ${s.batch ? `${s.batch}x` : ''}M${s.M} N${s.N} K${s.K}${s.label ? ` (${s.label})` : ''}`;

async function tfjsWasm() {
  const tf = await import('@tensorflow/tfjs-core');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const req = createRequire(import.meta.url);
  wasm.setWasmPaths(join(dirname(req.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
  await tf.setBackend('wasm');
  await tf.ready();
  return tf;
}

export async function benchGemm(): Promise<string> {
  const engines = await benchEngines();
  const tf = await tfjsWasm();
  const cases: BenchCase[] = [];
  for (const s of SHAPES) {
    const B = s.batch ?? 1;
    const { kind, M, N, K } = s;
    const work = 2 * M * N * K * B;
    const [ar, ac] = kind === 'tn' ? [K, M] : [M, K];
    const [br, bc] = kind === 'nt' ? [N, K] : [K, N];
    for (const e of engines) {
      const impl = implName(e);
      if (work > (MAX_FLOPS[impl] ?? Infinity)) continue;
      const a = buf(e, B * ar * ac), b = buf(e, B * br * bc), c = buf(e, B * M * N);
      const fn = B > 1
        ? () => e.call(`gemm_batched_f32_${kind}`, B, M, N, K, 1, a, ac, ar * ac, b, bc, br * bc, 0, c, N, M * N)
        : () => e.call(`gemm_f32_${kind}`, M, N, K, 1, a, ac, b, bc, 0, c, N);
      cases.push({ name: name(s), impl, fn, work, unit: 'GFLOP/s' });
    }
    const ta = tf.randomUniform(B > 1 ? [B, ar, ac] : [ar, ac]);
    const tb = tf.randomUniform(B > 1 ? [B, br, bc] : [br, bc]);
    const fn = () => {
      const out = tf.matMul(ta, tb, kind === 'tn', kind === 'nt');
      out.dataSync(); // forces the product to run
      out.dispose();
    };
    cases.push({ name: name(s), impl: 'tfjs-wasm', fn, work, unit: 'GFLOP/s' });
  }
  const rows = await runSuite('gemm', cases);
  return table(rows, [['wasm-simd', 'tfjs-wasm'], ['wasm-simd', 'reference'], ['wasm-simd', 'wasm']]);
}
