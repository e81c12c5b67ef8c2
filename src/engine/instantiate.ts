// Loading the kernels in every runtime, without choosing where the bytes come from: `initEngine`
// takes the caller's module / bytes / URL or asks the entry point's `embedded` source (the main
// entry decodes base64 builds; the Workers entry has only its imported .wasm module), detects
// SIMD with WebAssembly.validate, falls back to the scalar build without SIMD and to the pure-TS
// backend where wasm is blocked (one warning). Nothing here runs at import time.
import { Engine, type BackendName } from './engine.js';
import { checkOptions, describeValue } from './check-options.js';
import { currentEngine, setEngine } from './current.js';
import { noticeOneThread, resolveThreads, threadedEngine, threadsUnavailable } from './threads/index.js';
import type { UrlLike, WasmBytes, WasmModule } from './web-types.js';

export interface InitOptions {
  /** A compiled kernel module (Cloudflare Workers import the .wasm file as a module). */
  module?: WasmModule;
  /** Raw bytes of a kernel build. */
  bytes?: WasmBytes;
  /** Where to fetch a kernel build (browsers). */
  url?: string | UrlLike;
  /** Force a backend. 'js' runs the pure-TS kernels; default: best available. */
  backend?: 'auto' | 'wasm-simd' | 'wasm' | 'js';
  /** Whether a caller-supplied module/bytes/url is the SIMD build (default true). */
  simd?: boolean;
  /** Initial linear memory in MiB (default 16; grows on demand). */
  initialMemoryMiB?: number;
  /**
   * Threads running the kernels (default 1; 'auto' = the host's cores, at most 4). More than one
   * needs SharedArrayBuffer and workers (Node, Deno, Bun, cross-origin-isolated pages); elsewhere
   * (workerd, pages that are not isolated) one thread runs and one notice says why. Results are
   * bit-identical whatever the count.
   */
  threads?: number | 'auto';
}

/** Which embedded kernel build: SIMD, scalar, or the SIMD build on shared memory (threads). */
export type BuildKind = 'simd' | 'scalar' | 'threads';

/** Where an entry point finds a kernel build when the caller gives none (null: it has none). */
export type EmbeddedSource = ((kind: BuildKind) => Promise<Uint8Array>) | null;

// i32.const 0; i8x16.splat; i8x16.popcnt — the smallest function that needs SIMD.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

/** True when this host validates 128-bit SIMD wasm. */
export function hasWasmSimd(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

/** Instantiate a kernel module on a fresh memory and wrap it in an Engine. */
export async function instantiate(source: WasmModule | WasmBytes, backend: 'wasm-simd' | 'wasm', initialMemoryMiB = 16): Promise<Engine> {
  const memory = new WebAssembly.Memory({ initial: Math.max(2, initialMemoryMiB * 16), maximum: 65536 });
  const imports = {
    env: {
      memory,
      abort(_msg: number, _file: number, line: number, col: number) {
        throw new Error(`mirec kernel aborted at ${line}:${col}`);
      },
    },
  };
  const module = source instanceof WebAssembly.Module ? source : await WebAssembly.compile(source as BufferSource);
  const instance = await WebAssembly.instantiate(module, imports);
  return Engine.fromWasm(backend, instance, memory);
}

/** Keys of InitOptions; `backend` lists the backends so a typo names the choices. */
const INIT_OPTIONS = {
  module: 'object', bytes: 'any', url: 'any', backend: ['auto', 'wasm-simd', 'wasm', 'js'], simd: 'boolean', initialMemoryMiB: 'number', threads: 'any',
} as const;

/**
 * Load the kernels and make the default engine, taking the build from `options` or else from
 * `embedded`. Safe to call more than once: without options it returns the engine already made.
 */
export async function initEngine(options: InitOptions, embedded: EmbeddedSource): Promise<Engine> {
  checkOptions('init options', options, INIT_OPTIONS);
  if (options.threads !== undefined && options.threads !== 'auto' && !(Number.isInteger(options.threads) && options.threads >= 1)) {
    throw new TypeError(`init options: "threads" must be a whole number ≥ 1 or 'auto', got ${describeValue(options.threads)}`);
  }
  const explicit = options.module || options.bytes || options.url || (options.backend && options.backend !== 'auto');
  const threads = await resolveThreads(options.threads);
  const made = currentEngine();
  // Asking again for the thread count the engine already has (or for none) keeps it.
  if (made && !explicit && (options.threads === undefined || made.threads === threads || (threads > 1 && noThreadsHere(embedded)))) return made;
  if (options.backend === 'js') return setEngine(Engine.fromReference(32));
  if (threads > 1) {
    const threaded = await tryThreaded(options, threads, embedded);
    if (threaded) {
      currentEngine()?.close();
      return setEngine(threaded);
    }
  }
  if (typeof WebAssembly !== 'object') return fallback('WebAssembly is not available in this host');

  const wantSimd = options.backend === 'wasm' ? false : options.backend === 'wasm-simd' ? true : hasWasmSimd();
  if (options.backend === 'wasm-simd' && !hasWasmSimd()) {
    throw new Error('mirec: backend "wasm-simd" requested but this host does not support wasm SIMD');
  }
  const backend: BackendName = wantSimd ? 'wasm-simd' : 'wasm';
  try {
    let source: WasmModule | WasmBytes;
    if (options.module) source = options.module;
    else if (options.bytes) source = options.bytes;
    else if (options.url) source = new Uint8Array(await (await fetch(String(options.url))).arrayBuffer());
    else if (embedded) source = await embedded(wantSimd ? 'simd' : 'scalar');
    else throw new Error(`this entry point ships no ${wantSimd ? 'SIMD' : 'scalar'} kernel build; pass init({ module | bytes | url })`);
    const supplied = options.module || options.bytes || options.url;
    const actual: 'wasm-simd' | 'wasm' = supplied ? (options.simd === false ? 'wasm' : 'wasm-simd') : backend === 'wasm-simd' ? 'wasm-simd' : 'wasm';
    return setEngine(await instantiate(source, actual, options.initialMemoryMiB));
  } catch (e) {
    if (options.backend === 'wasm' || options.backend === 'wasm-simd') throw e;
    return fallback(`wasm could not be compiled (${(e as Error).message})`);
  }
}

/** True (after the one notice) when this host or entry cannot run kernel workers. */
function noThreadsHere(embedded: EmbeddedSource): boolean {
  const why = !hasWasmSimd() ? 'this host lacks wasm SIMD' : !embedded ? 'this entry point ships no threads build' : threadsUnavailable();
  if (why) noticeOneThread(why);
  return why !== null;
}

/** The threads build on shared memory, or null (after one notice) where this host cannot. */
async function tryThreaded(options: InitOptions, threads: number, embedded: EmbeddedSource): Promise<Engine | null> {
  const why =
    options.module || options.bytes || options.url
      ? 'a caller-supplied kernel module is the single-thread build'
      : options.backend === 'wasm'
        ? 'the scalar build has no threaded variant'
        : !hasWasmSimd()
          ? 'this host lacks wasm SIMD'
          : !embedded
            ? 'this entry point ships no threads build'
            : threadsUnavailable();
  if (why || !embedded) {
    noticeOneThread(why ?? 'no threads build');
    return null;
  }
  const module = await WebAssembly.compile((await embedded('threads')) as Uint8Array<ArrayBuffer>);
  return threadedEngine(module, threads, options.initialMemoryMiB);
}

function fallback(cause: string): Engine {
  console.warn(`mirec: running the pure-TS kernels (much slower): ${cause}`);
  return setEngine(Engine.fromReference(32));
}
