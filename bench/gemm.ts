// GEMM suite: reference (plain JS) vs scalar wasm vs wasm-simd vs the peer tfjs-backend-wasm
// (XNNPACK, one thread) on square, skinny model-shaped, transposed and batched products.
// Reports GFLOP/s = 2·batch·M·N·K / s; the table adds simd/tfjs and simd/reference ratios.
import { createRequire } from 'node:module';
import { Engine } from '../src/engine/engine.js';
import { embeddedBytes, instantiate } from '../src/engine/load.js';
import { runSuite, table, type BenchCase } from './harness.js';

type Kind = 'nn' | 'nt' | 'tn';
interface Shape { kind: Kind; M: number; N: number; K: number; batch?: number; label?: string }

const SHAPES: Shape[] = [
  { kind: 'nn', M: 512, N: 512, K: 512 },
  { kind: 'nn', M: 1024, N: 1024, K: 1024 },
  { kind: 'nn', M: 128, N: 64, K: 64 },
  { kind: 'nn', M: 2560, N: 64, K: 64, label: 'SA attention input (B·T x D x D)' },
  { kind: 'nn', M: 128, N: 64, K: 4096 },
  { kind: 'nt', M: 128, N: 64, K: 4096 },
  { kind: 'nt', M: 128, N: 1281, K: 64, label: 'scores vs 1+S items' },
  { kind: 'nt', M: 512, N: 512, K: 512 },
  { kind: 'tn', M: 512, N: 512, K: 512 },
  { kind: 'tn', M: 64, N: 64, K: 2560, label: 'weight gradient (Xᵀ dY)' },
  { kind: 'nn', M: 512, N: 20, K: 64 },
  { kind: 'nn', M: 4, N: 64, K: 20, batch: 128, label: 'batched A·H [4,20]x[20,64]' },
  { kind: 'nt', M: 4, N: 20, K: 64, batch: 128, label: 'batched dA = dV·Hᵀ' },
  { kind: 'tn', M: 20, N: 64, K: 4, batch: 128, label: 'batched dH = Aᵀ·dV' },
];

const name = (s: Shape) => `${s.kind} ${s.batch ? `${s.batch}x` : ''}${s.M}x${s.N}x${s.K}${s.label ? ` (${s.label})` : ''}`;

function engineCase(e: Engine, impl: string, s: Shape): BenchCase {
  const B = s.batch ?? 1;
  const { M, N, K, kind } = s;
  const a = e.heap.alloc(B * M * K * 4);
  const b = e.heap.alloc(B * K * N * 4);
  const c = e.heap.alloc(B * M * N * 4);
  const F = e.floats;
  for (let i = 0; i < B * M * K; i++) F[(a >> 2) + i] = ((i * 7919) % 1000) / 1000 - 0.5;
  for (let i = 0; i < B * K * N; i++) F[(b >> 2) + i] = ((i * 104729) % 1000) / 1000 - 0.5;
  const lda = kind === 'tn' ? M : K;
  const ldb = kind === 'nt' ? K : N;
  const k = e.k;
  const fn = s.batch
    ? () => k[`gemm_batched_f32_${kind}`](B, M, N, K, 1, a, lda, M * K, b, ldb, K * N, 0, c, N, M * N)
    : () => k[`gemm_f32_${kind}`](M, N, K, 1, a, lda, b, ldb, 0, c, N);
  return { name: name(s), impl, fn, work: 2 * B * M * N * K, unit: 'GFLOP/s' };
}

async function tfjsCases(): Promise<(s: Shape) => BenchCase> {
  const tf = await import('@tensorflow/tfjs-core');
  const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
  const require = createRequire(import.meta.url);
  setWasmPaths(require.resolve('@tensorflow/tfjs-backend-wasm').replace(/[^/]+$/, ''));
  await tf.setBackend('wasm');
  await tf.ready();
  return (s) => {
    const B = s.batch;
    const [ar, ac] = s.kind === 'tn' ? [s.K, s.M] : [s.M, s.K];
    const [br, bc] = s.kind === 'nt' ? [s.N, s.K] : [s.K, s.N];
    const a = tf.randomUniform(B ? [B, ar, ac] : [ar, ac]);
    const b = tf.randomUniform(B ? [B, br, bc] : [br, bc]);
    const fn = () => {
      const c = tf.matMul(a, b, s.kind === 'tn', s.kind === 'nt');
      c.dataSync(); // forces the product; copies M·N floats out
      c.dispose();
    };
    return { name: name(s), impl: 'tfjs-wasm', fn, work: 2 * (B ?? 1) * s.M * s.N * s.K, unit: 'GFLOP/s' };
  };
}

export async function benchGemm(): Promise<string> {
  const ref = Engine.fromReference(32);
  const scalar = await instantiate(await embeddedBytes(false), 'wasm');
  const simd = await instantiate(await embeddedBytes(true), 'wasm-simd');
  const tfjs = await tfjsCases();
  const cases: BenchCase[] = [];
  for (const s of SHAPES) {
    const flops = 2 * (s.batch ?? 1) * s.M * s.N * s.K;
    if (flops <= 3e8) cases.push(engineCase(ref, 'reference', s));
    cases.push(engineCase(scalar, 'wasm', s), engineCase(simd, 'wasm-simd', s), tfjs(s));
  }
  const rows = await runSuite('gemm', cases);
  return table(rows, [['wasm-simd', 'tfjs-wasm'], ['wasm-simd', 'reference']]);
}
