// The Engine: one linear memory, its heap (pool + arena) and the kernel table of one backend
// (wasm-simd, wasm scalar, pure-TS float32, or pure-TS float64 for tests). Every kernel is
// called with byte pointers whatever the backend; the JS backends map them to element indices.
import { ABI, type KernelName, type KernelOf } from './abi/index.js';
import * as reference from './reference/index.js';
import { Heap, JsStore, WasmStore, type MemoryReport } from './memory.js';
import type { WasmInstance, WasmMemory } from './web-types.js';

/** Which implementation runs the kernels. */
export type BackendName = 'wasm-simd' | 'wasm' | 'js' | 'js64';

/** A kernel as the runtime sees it: byte pointers and numbers (tables built by name use this). */
export type KernelFn = (...args: number[]) => number | void;
/** The kernel table, each call typed by its signature string (wrong count or kind fails tsc). */
export type Kernels = { readonly [K in KernelName]: KernelOf<K> };

/** First byte the heap may use: page 0 is left to the module's static data. */
export const HEAP_BASE = 65536;

export class Engine {
  /** Debug level: 0 off; 1 checks op inputs for NaN/Inf and pointers against the heap. */
  debug = 0;
  private pool: { readonly threads: number; readonly splits: number; close(): void } | null = null;

  private constructor(
    readonly backend: BackendName,
    readonly heap: Heap,
    readonly k: Kernels,
    /** The wasm instance's exports (undefined on the JS backends). */
    readonly exports?: WasmInstance['exports'],
  ) {}

  /** An engine over an instantiated kernel module (its memory must be `memory`). */
  static fromWasm(backend: 'wasm-simd' | 'wasm', instance: WasmInstance, memory: WasmMemory): Engine {
    const heap = new Heap(new WasmStore(memory), HEAP_BASE);
    const kernels: Record<string, KernelFn> = {};
    for (const name of Object.keys(ABI)) {
      const fn = instance.exports[name];
      if (typeof fn !== 'function') {
        throw new Error(`engine: wasm module lacks kernel "${name}"; rebuild with npm run build:wasm`);
      }
      kernels[name] = fn as KernelFn;
    }
    return new Engine(backend, heap, kernels as unknown as Kernels, instance.exports);
  }

  /** An engine running the pure-TS reference kernels in float32 ('js') or float64 ('js64'). */
  static fromReference(precision: 32 | 64 = 32): Engine {
    const store = new JsStore(precision, HEAP_BASE * 16);
    const heap = new Heap(store, HEAP_BASE, () => store.floats);
    const refs = reference as unknown as Record<string, (F: Float32Array | Float64Array, I: Int32Array, ...a: number[]) => number | void>;
    const kernels: Record<string, KernelFn> = {};
    for (const [name, sig] of Object.entries(ABI) as [string, string][]) {
      const ref = refs[name];
      if (typeof ref !== 'function') throw new Error(`engine: no reference kernel for "${name}"`);
      const ptrAt = [...sig].map((c) => c === 'p');
      kernels[name] = (...args: number[]) => {
        for (let i = 0; i < args.length; i++) if (ptrAt[i]) args[i] = args[i] >>> 2;
        return ref(store.floats, store.ints, ...args);
      };
    }
    return new Engine(precision === 32 ? 'js' : 'js64', heap, kernels as unknown as Kernels);
  }

  /**
   * Run `fn` in an arena scope: every arena tensor made inside is freed when it returns (or
   * throws), and reading one afterwards throws a stale-read error. Scopes nest; the outermost one
   * resets the arena. Return plain numbers or copies (`Float32Array.from(t.data)`), not tensors.
   */
  step<T>(fn: () => T): T {
    const mark = this.heap.mark();
    try {
      return fn();
    } finally {
      if (mark.index === 0 && mark.offset === 0) this.heap.resetArena();
      else this.heap.release(mark);
    }
  }

  /**
   * Call kernel `name` with plain numbers, unchecked: for callers that hold kernel names as data
   * (kernel tests, benchmarks). Everything else calls `k.<name>(...)`, typed by its signature.
   */
  call(name: KernelName, ...args: number[]): number | void {
    return (this.k[name] as unknown as KernelFn)(...args);
  }

  /** Threads running this engine's kernels (1 unless `init({ threads })` started workers). */
  get threads(): number {
    return this.pool?.threads ?? 1;
  }
  /** Kernel calls split between threads so far (0 on one thread). */
  get threadSplits(): number {
    return this.pool?.splits ?? 0;
  }
  /** Hand the engine its kernel workers (engine/threads). */
  attachThreads(pool: { readonly threads: number; readonly splits: number; close(): void }): void {
    this.pool = pool;
  }
  /** Stop the kernel workers (idempotent); the engine then runs every kernel on this thread. */
  close(): void {
    this.pool?.close();
    this.pool = null;
  }
  /** Memory use: pool, arena (current and high-water), total linear memory. Bytes. */
  memory(): MemoryReport {
    return this.heap.report();
  }

  /** Float view of the heap (re-derived; never cache it across an allocation). */
  get floats(): Float32Array | Float64Array {
    return this.heap.floats;
  }
  get i32(): Int32Array {
    return this.heap.i32;
  }

  toString(): string {
    const m = this.memory();
    return `Engine(${this.backend}, memory=${(m.total / 1048576).toFixed(1)}MiB)`;
  }
}
