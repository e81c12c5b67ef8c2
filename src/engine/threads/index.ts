// A threaded engine: the kernel module's threads build on a shared WebAssembly.Memory, with
// kernel workers serving split calls (split.ts) through a pool (pool.ts). Every split gives the
// same bits as one thread, so a threaded engine and a single-threaded one trained with the same
// seed produce identical models; hosts without threads (workerd, pages that are not
// cross-origin isolated) get one thread and one notice.
import { ABI, type KernelName } from '../abi/index.js';
import { Engine, type KernelFn } from '../engine.js';
import { SPLITTERS, VIA } from './split.js';
import { MAX_CHUNKS, ThreadPool, WORKER_SPIN } from './pool.js';
import { hostCores, threadsUnavailable } from './spawn.js';

export { threadsUnavailable, hostCores } from './spawn.js';
export { ThreadPool } from './pool.js';

/** Most threads `'auto'` picks (past this the kernels of one step are too small to share). */
export const AUTO_THREADS_CAP = 4;

/** Work (elements, or GEMM multiply-adds) below which a call runs whole on the caller. */
export const MIN_WORK = { gemm: 1 << 17, other: 1 << 15 };

/**
 * Chunks a split call is cut into per thread (each still at least MIN_WORK). More chunks than
 * threads let a thread that starts late (a worker waking up) or runs slower (the other vCPU busy)
 * take fewer of them; 1 gives each thread one fixed part. `workerSpin`: spins of an idle worker
 * before it sleeps (read when an engine starts). Benchmarks compare settings.
 */
export const SPLIT = { chunksPerThread: 4, workerSpin: WORKER_SPIN };

/** Threads for a `threads` option: a positive integer, or 'auto' = the host's cores capped. */
export async function resolveThreads(threads: number | 'auto' | undefined): Promise<number> {
  if (threads === undefined) return 1;
  if (threads === 'auto') return Math.min(await hostCores(), AUTO_THREADS_CAP);
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
    throw new Error(`mirec: threads = ${threads}; need a positive integer up to 256, or 'auto'`);
  }
  return threads;
}

let noticed = false;
/** Say once per process why this host runs one thread although more were asked for. */
export function noticeOneThread(cause: string): void {
  if (noticed) return;
  noticed = true;
  console.warn(`mirec: training on one thread: ${cause}`);
}

/**
 * An engine over the threads build of the kernels with `threads - 1` workers. The caller has
 * already checked `threadsUnavailable()`.
 */
export async function threadedEngine(module: WebAssembly.Module, threads: number, initialMemoryMiB = 16): Promise<Engine> {
  const memory = new WebAssembly.Memory({ initial: Math.max(2, initialMemoryMiB * 16), maximum: 65536, shared: true });
  const instance = await WebAssembly.instantiate(module, {
    env: {
      memory,
      abort(_msg: number, _file: number, line: number, col: number) {
        throw new Error(`mirec kernel aborted at ${line}:${col}`);
      },
    },
  });
  const engine = Engine.fromWasm('wasm-simd', instance, memory);
  if (threads <= 1) return engine;
  const scratchBytes = (instance.exports.thread_scratch_bytes as () => number)();
  const names = Object.keys(ABI) as KernelName[];
  const pool = await ThreadPool.start({
    module,
    memory,
    names,
    workers: threads - 1,
    scratch: () => engine.heap.alloc(scratchBytes),
    workerSpin: SPLIT.workerSpin,
  });
  const kernels = engine.k as unknown as Record<string, KernelFn>;
  const whole = { ...kernels };
  names.forEach((name) => {
    const split = SPLITTERS[name];
    if (!split) return;
    const fn = whole[name];
    // Parts run as this kernel, or as its strided variant (VIA) for column splits.
    const partName = VIA[name] ?? name;
    const partIndex = names.indexOf(partName);
    const partFn = whole[partName];
    const isGemm = name.startsWith('gemm');
    kernels[name] = (...args: number[]) => {
      const parts = split(args, Math.min(MAX_CHUNKS, threads * SPLIT.chunksPerThread), isGemm ? MIN_WORK.gemm : MIN_WORK.other);
      if (!parts || pool.isClosed) return fn(...args);
      pool.run(partIndex, partFn, parts);
    };
  });
  engine.attachThreads(pool);
  return engine;
}
