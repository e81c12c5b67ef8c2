// `init()` of the main entry: the kernel builds are embedded as base64 (wasm-bytes.generated.ts,
// imported only when no other source is given), so Node, Deno, Bun, browsers and bundlers need
// no configuration. The Workers entry (index.workerd.ts) has its own init without these bytes.
import type { Engine } from './engine.js';
import { initEngine, type BuildKind, type InitOptions } from './instantiate.js';

export { engine, setEngine, setDebug } from './current.js';
export { hasWasmSimd, instantiate, initEngine, type InitOptions } from './instantiate.js';

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** An embedded build (SIMD, scalar or threads), decoded from the generated module. */
export async function embeddedBuild(kind: BuildKind): Promise<Uint8Array<ArrayBuffer>> {
  let mod: { SIMD_WASM_BASE64: string; SCALAR_WASM_BASE64: string; THREADS_WASM_BASE64: string };
  try {
    mod = await import('./wasm-bytes.generated.js');
  } catch (e) {
    throw new Error(`mirec: embedded wasm missing (${(e as Error).message}); run npm run build:wasm`);
  }
  return decodeBase64(kind === 'simd' ? mod.SIMD_WASM_BASE64 : kind === 'scalar' ? mod.SCALAR_WASM_BASE64 : mod.THREADS_WASM_BASE64);
}

/** The embedded build for a backend (SIMD or scalar). */
export function embeddedBytes(simd: boolean): Promise<Uint8Array<ArrayBuffer>> {
  return embeddedBuild(simd ? 'simd' : 'scalar');
}

/**
 * Load the kernels and make the default engine: wasm SIMD where the host validates it, else
 * the scalar build, else (wasm blocked) the pure-TS kernels after one warning; `threads` runs
 * them on several threads where the host allows. Safe to call more than once: without options
 * it returns the engine already made.
 */
export function init(options: InitOptions = {}): Promise<Engine> {
  return initEngine(options, embeddedBuild);
}
