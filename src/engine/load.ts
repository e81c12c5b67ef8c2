// Loading the kernels in every runtime: `init()` picks a source (embedded bytes by default, or a
// caller's module / bytes / URL), detects SIMD with WebAssembly.validate, falls back to the
// scalar build without SIMD and to the pure-TS backend where wasm is blocked (one warning).
// Nothing here runs at import time.
import { Engine, type BackendName } from './engine.js';
import { noticeOneThread, resolveThreads, threadedEngine, threadsUnavailable } from './threads/index.js';

export interface InitOptions {
  /** A compiled kernel module (Cloudflare Workers import the .wasm file as a module). */
  module?: WebAssembly.Module;
  /** Raw bytes of a kernel build. */
  bytes?: BufferSource;
  /** Where to fetch a kernel build (browsers). */
  url?: string | URL;
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

let current: Engine | null = null;

/** The engine `init()` made. Throws a clear error before `init()`. */
export function engine(): Engine {
  if (!current) throw new Error('mirec: the engine is not initialised; call `await init()` first');
  return current;
}

/**
 * Debug level of the default engine: 0 off (default); 1 scans every op input for NaN/Inf and
 * names the op and shapes of the first offender.
 */
export function setDebug(level: number): void {
  engine().debug = level;
}

/** Make `e` the default engine (tests use this to switch backends). */
export function setEngine(e: Engine): Engine {
  current = e;
  return e;
}

function decodeBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The embedded build for a backend (SIMD or scalar), decoded from the generated module. */
export async function embeddedBytes(simd: boolean): Promise<Uint8Array> {
  let mod: { SIMD_WASM_BASE64: string; SCALAR_WASM_BASE64: string };
  try {
    mod = await import('./wasm-bytes.generated.js');
  } catch (e) {
    throw new Error(`mirec: embedded wasm missing (${(e as Error).message}); run npm run build:wasm`);
  }
  return decodeBase64(simd ? mod.SIMD_WASM_BASE64 : mod.SCALAR_WASM_BASE64);
}

/** Instantiate a kernel module on a fresh memory and wrap it in an Engine. */
export async function instantiate(
  source: WebAssembly.Module | BufferSource,
  backend: 'wasm-simd' | 'wasm',
  initialMemoryMiB = 16,
): Promise<Engine> {
  const memory = new WebAssembly.Memory({ initial: Math.max(2, initialMemoryMiB * 16), maximum: 65536 });
  const imports = {
    env: {
      memory,
      abort(_msg: number, _file: number, line: number, col: number) {
        throw new Error(`mirec kernel aborted at ${line}:${col}`);
      },
    },
  };
  const module = source instanceof WebAssembly.Module ? source : await WebAssembly.compile(source);
  const instance = await WebAssembly.instantiate(module, imports);
  return Engine.fromWasm(backend, instance, memory);
}

/**
 * Load the kernels and make the default engine. Safe to call more than once: without options
 * it returns the engine already made.
 */
export async function init(options: InitOptions = {}): Promise<Engine> {
  const explicit = options.module || options.bytes || options.url || (options.backend && options.backend !== 'auto') || options.threads !== undefined;
  if (current && !explicit) return current;
  if (options.backend === 'js') return setEngine(Engine.fromReference(32));
  const threads = await resolveThreads(options.threads);
  if (threads > 1) {
    const threaded = await tryThreaded(options, threads);
    if (threaded) {
      current?.close();
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
    let source: WebAssembly.Module | BufferSource;
    if (options.module) source = options.module;
    else if (options.bytes) source = options.bytes;
    else if (options.url) source = new Uint8Array(await (await fetch(options.url)).arrayBuffer());
    else source = await embeddedBytes(wantSimd);
    const supplied = options.module || options.bytes || options.url;
    const actual: 'wasm-simd' | 'wasm' = supplied ? (options.simd === false ? 'wasm' : 'wasm-simd') : backend === 'wasm-simd' ? 'wasm-simd' : 'wasm';
    return setEngine(await instantiate(source, actual, options.initialMemoryMiB));
  } catch (e) {
    if (options.backend === 'wasm' || options.backend === 'wasm-simd') throw e;
    return fallback(`wasm could not be compiled (${(e as Error).message})`);
  }
}

/** The threads build on shared memory, or null (after one notice) where this host cannot. */
async function tryThreaded(options: InitOptions, threads: number): Promise<Engine | null> {
  const why =
    options.module || options.bytes || options.url
      ? 'a caller-supplied kernel module is the single-thread build'
      : options.backend === 'wasm'
        ? 'the scalar build has no threaded variant'
        : !hasWasmSimd()
          ? 'this host lacks wasm SIMD'
          : threadsUnavailable();
  if (why) {
    noticeOneThread(why);
    return null;
  }
  const mod = (await import('./wasm-bytes.generated.js')) as { THREADS_WASM_BASE64: string };
  const module = await WebAssembly.compile(decodeBase64(mod.THREADS_WASM_BASE64) as Uint8Array<ArrayBuffer>);
  return threadedEngine(module, threads, options.initialMemoryMiB);
}

function fallback(cause: string): Engine {
  console.warn(`mirec: running the pure-TS kernels (much slower): ${cause}`);
  return setEngine(Engine.fromReference(32));
}
