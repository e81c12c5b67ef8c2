// The thread pool behind a threaded engine: N-1 kernel workers on the engine's shared memory,
// driven through one shared control block (layout in worker-source.ts). A split kernel call is a
// list of chunks (fixed, aligned argument lists: split.ts); the caller and every worker claim the
// next unclaimed chunk with one compare-exchange until none is left, so a worker that wakes late
// or runs slower takes fewer chunks instead of holding the call up. Which thread runs a chunk
// never changes its bits. The call returns when every chunk is done, output whole as on one
// thread. Waiting spins briefly before sleeping (a wake-up from Atomics.wait costs tens of µs).
import type { KernelFn } from '../engine.js';
import { spawnWorker, type WorkerHandle } from './spawn.js';

/** Control block words (Int32Array); see worker-source.ts. */
const CTL = { seq: 0, next: 1, kernel: 2, argc: 3, error: 4, chunks: 5, done: 6, words: 16 } as const;
/** Most chunks per call, and most arguments per chunk. */
export const MAX_CHUNKS = 32;
const ARGS = 16;
/** Spins of a waiting worker before it sleeps (≈ 20-50 µs), and of the caller before it sleeps. */
export const WORKER_SPIN = 20_000;
const CALLER_SPIN = 200_000;
/** The chunk counter holds (sequence tag << 6) | next chunk index: a worker still holding the
 *  previous call's sequence can never claim a chunk of the next call. */
const TAG_MASK = 0xffffff;

export interface PoolStart {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Kernel export names, in the order calls refer to them. */
  names: string[];
  /** Workers to start (threads - 1). */
  workers: number;
  /** A scratch block for worker w (thread_scratch_bytes() bytes, 64-aligned) in the shared memory. */
  scratch: (w: number) => number;
  /** Spins of an idle worker before it sleeps (default WORKER_SPIN). */
  workerSpin?: number;
}

/** Counters of split calls (tests and profiling read them; they never change a result). */
export interface PoolStats {
  /** Kernel calls split so far. */
  splits: number;
  /** Chunks of those calls. */
  chunks: number;
  /** Chunks the calling thread ran itself (the rest ran on workers). */
  callerChunks: number;
}

export class ThreadPool {
  private readonly ctl: Int32Array;
  private readonly args: Float64Array;
  private seq = 0;
  private readonly canBlock: boolean;
  private closed = false;
  readonly stats: PoolStats = { splits: 0, chunks: 0, callerChunks: 0 };

  private constructor(private readonly handles: WorkerHandle[], control: SharedArrayBuffer, args: SharedArrayBuffer) {
    this.ctl = new Int32Array(control);
    this.args = new Float64Array(args);
    this.canBlock = callerCanBlock(this.ctl);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Threads including the caller. */
  get threads(): number {
    return this.handles.length + 1;
  }

  /** Kernel calls split so far (tests and benchmarks check that threads were used). */
  get splits(): number {
    return this.stats.splits;
  }

  static async start(o: PoolStart): Promise<ThreadPool> {
    const control = new SharedArrayBuffer(CTL.words * 4);
    const args = new SharedArrayBuffer(MAX_CHUNKS * ARGS * 8);
    const handles: WorkerHandle[] = new Array(o.workers);
    try {
      await Promise.all(
        Array.from({ length: o.workers }, async (_, index) => {
          const h = await spawnWorker();
          handles[index] = h;
          await new Promise<void>((resolve, reject) => {
            h.onMessage((m) => (m.ready ? resolve() : m.error ? reject(new Error(`mirec: kernel worker ${index}: ${m.error}`)) : undefined));
            h.post({ module: o.module, memory: o.memory, names: o.names, control, args, scratch: o.scratch(index), spin: o.workerSpin ?? WORKER_SPIN, argStride: ARGS });
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
   * Run the `chunks` of one kernel call (argument lists of kernel `index` of the start names;
   * `fn` is the same kernel on this thread). Returns when every chunk is done.
   */
  run(index: number, fn: KernelFn, chunks: number[][]): void {
    if (this.closed) throw new Error('mirec: the thread pool is closed');
    const n = chunks.length;
    if (n > MAX_CHUNKS) throw new Error(`mirec: ${n} chunks in one split call (at most ${MAX_CHUNKS})`);
    const { ctl, args, stats } = this;
    const argc = chunks[0].length;
    if (argc > ARGS) throw new Error(`mirec: a split kernel takes ${argc} arguments (at most ${ARGS})`);
    const s = (this.seq = (this.seq % 0x3fffffff) + 1);
    const tag = (s & TAG_MASK) << 6;
    // The counter takes the new tag before any field of the call changes: a worker still in the
    // previous call's claim loop expects the old tag, so its compare-exchange fails from here on.
    // (Written after the fields, a worker that read the old counter and the new chunk count could
    // claim a chunk past the old call's end: that chunk of this call ran twice and the done count
    // overshot, so the caller waited forever. CI hung on it.)
    Atomics.store(ctl, CTL.next, tag);
    for (let i = 0; i < n; i++) args.set(chunks[i], i * ARGS);
    ctl[CTL.kernel] = index;
    ctl[CTL.argc] = argc;
    ctl[CTL.chunks] = n;
    Atomics.store(ctl, CTL.done, 0);
    // Workers learn the tag from the sequence word, stored last.
    Atomics.store(ctl, CTL.seq, s);
    Atomics.notify(ctl, CTL.seq);
    stats.splits++;
    stats.chunks += n;
    // Claim chunks like a worker does, until none is left.
    let failure: unknown = null;
    let mine = 0;
    for (;;) {
      const v = Atomics.load(ctl, CTL.next);
      const i = v & 63;
      if (i >= n) break;
      if (Atomics.compareExchange(ctl, CTL.next, v, v + 1) !== v) continue;
      mine++;
      if (!failure) {
        try {
          fn(...chunks[i]);
        } catch (e) {
          failure = e;
        }
      }
    }
    stats.callerChunks += mine;
    // Chunks claimed by workers: wait until they are done (the counter counts only those).
    this.await(n - mine);
    if (failure) throw failure;
    if (ctl[CTL.error]) {
      ctl[CTL.error] = 0;
      throw new Error(`mirec: a kernel worker failed (kernel #${index}); see the worker's error above`);
    }
  }

  private await(want: number): void {
    const { ctl } = this;
    for (let n = 0; ; n++) {
      const got = Atomics.load(ctl, CTL.done);
      if (got === want) return;
      if (got > want) throw new Error(`mirec: thread pool: ${got} chunks reported done, ${want} claimed by workers (a chunk ran twice)`);
      if (n >= CALLER_SPIN && this.canBlock) {
        Atomics.wait(ctl, CTL.done, got, 1000);
        n = 0;
      }
    }
  }

  /** Stop every worker (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ctl, CTL.seq, -1);
    Atomics.notify(this.ctl, CTL.seq);
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
