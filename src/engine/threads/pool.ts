// The thread pool behind a threaded engine: N-1 kernel workers on the engine's shared memory,
// driven through a shared control block (see worker-source.ts). A split kernel call posts parts
// 1.. to the workers, runs part 0 on the calling thread and waits for the rest, so a call
// returns with its whole output written, exactly as on one thread. Waiting spins briefly before
// sleeping (a wake-up from Atomics.wait costs tens of µs; most kernels take less).
import type { KernelFn } from '../engine.js';
import { spawnWorker, type WorkerHandle } from './spawn.js';

const SLOTS = 16;
const ARGS = 32;
/** Spins of a waiting worker before it sleeps (≈ 20-50 µs), and of the caller before it sleeps. */
const WORKER_SPIN = 20_000;
const CALLER_SPIN = 200_000;

export interface PoolStart {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Kernel export names, in the order calls refer to them. */
  names: string[];
  /** Workers to start (threads - 1). */
  workers: number;
  /** A scratch block for worker w (thread_scratch_bytes() bytes, 64-aligned) in the shared memory. */
  scratch: (w: number) => number;
}

export class ThreadPool {
  private readonly ctl: Int32Array;
  private readonly args: Float64Array;
  private readonly seq: number[];
  /** Last sequence claimed per worker slot (by the worker or by the caller). */
  private readonly claimed: number[];
  private readonly canBlock: boolean;
  private closed = false;
  /** Kernel calls split so far (tests and benchmarks check that threads were used). */
  splits = 0;

  private constructor(private readonly handles: WorkerHandle[], control: SharedArrayBuffer, args: SharedArrayBuffer) {
    this.ctl = new Int32Array(control);
    this.args = new Float64Array(args);
    this.seq = handles.map(() => 0);
    this.claimed = handles.map(() => 0);
    this.canBlock = callerCanBlock(this.ctl);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Threads including the caller. */
  get threads(): number {
    return this.handles.length + 1;
  }

  static async start(o: PoolStart): Promise<ThreadPool> {
    const control = new SharedArrayBuffer(o.workers * SLOTS * 4);
    const args = new SharedArrayBuffer(o.workers * ARGS * 8);
    const handles: WorkerHandle[] = new Array(o.workers);
    try {
      await Promise.all(
        Array.from({ length: o.workers }, async (_, index) => {
          const h = await spawnWorker();
          handles[index] = h;
          await new Promise<void>((resolve, reject) => {
            h.onMessage((m) => (m.ready ? resolve() : m.error ? reject(new Error(`mirec: kernel worker ${index}: ${m.error}`)) : undefined));
            h.post({ module: o.module, memory: o.memory, names: o.names, control, args, index, scratch: o.scratch(index), spin: WORKER_SPIN });
          });
        }),
      );
    } catch (e) {
      for (const h of handles) h?.terminate();
      throw e;
    }
    for (const h of handles) h.release();
    return new ThreadPool(handles, control, args);
  }

  /**
   * Run `parts` of one kernel call: parts[1..] on workers (kernel `index` of the start names),
   * parts[0] here with `fn`. Returns when every part is done.
   */
  run(index: number, fn: KernelFn, parts: number[][]): void {
    if (this.closed) throw new Error('mirec: the thread pool is closed');
    const { ctl, args } = this;
    const used = Math.min(parts.length - 1, this.handles.length);
    this.splits++;
    for (let w = 0; w < used; w++) {
      const p = parts[w + 1];
      const base = w * SLOTS;
      args.set(p, w * ARGS);
      ctl[base + 2] = index;
      ctl[base + 3] = p.length;
      const s = (this.seq[w] = (this.seq[w] % 0x3fffffff) + 1);
      Atomics.store(ctl, base, s);
      Atomics.notify(ctl, base);
    }
    let failure: unknown = null;
    try {
      fn(...parts[0]);
    } catch (e) {
      failure = e;
    }
    // Run every part no worker has started yet here; wait for the others.
    for (let w = 0; w < used; w++) {
      const prev = this.claimed[w];
      const s = this.seq[w];
      this.claimed[w] = s;
      if (Atomics.compareExchange(ctl, w * SLOTS + 5, prev, s) === prev) {
        if (!failure) {
          try {
            fn(...parts[w + 1]);
          } catch (e) {
            failure = e;
          }
        }
      } else this.await(w);
    }
    if (failure) throw failure;
    for (let w = 0; w < used; w++) {
      if (ctl[w * SLOTS + 4]) {
        ctl[w * SLOTS + 4] = 0;
        throw new Error(`mirec: a kernel worker failed (kernel #${index}); see the worker's error above`);
      }
    }
  }

  private await(w: number): void {
    const { ctl } = this;
    const at = w * SLOTS + 1;
    const want = this.seq[w];
    for (let n = 0; ; n++) {
      const got = Atomics.load(ctl, at);
      if (got === want) return;
      if (n >= CALLER_SPIN && this.canBlock) {
        Atomics.wait(ctl, at, got, 1000);
        n = 0;
      }
    }
  }

  /** Stop every worker (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (let w = 0; w < this.handles.length; w++) {
      Atomics.store(this.ctl, w * SLOTS, -1);
      Atomics.notify(this.ctl, w * SLOTS);
    }
    for (const h of this.handles) h.terminate();
  }
}

/** Atomics.wait throws on a browser's main thread; everywhere else the caller may sleep. */
function callerCanBlock(ctl: Int32Array): boolean {
  try {
    Atomics.wait(ctl, 0, 12345, 0);
    return true;
  } catch {
    return false;
  }
}
