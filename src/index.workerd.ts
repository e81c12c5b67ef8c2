// Cloudflare Workers entry (the `workerd` export condition): Workers refuse to compile wasm from
// bytes, so the SIMD build is imported as a module and handed to init(). It ships no embedded
// base64 builds (engine/load.ts is never reached from here); everything else is core.ts.
import simdModule from './mirec-simd.wasm';
import { initEngine, type InitOptions } from './engine/instantiate.js';
import type { Engine } from './engine/engine.js';

export * from './core.js';

/**
 * Load the kernels from the bundled SIMD module (options may still force `backend: 'js'`, or
 * pass another `module`, e.g. the scalar build, with `simd: false`).
 */
export function init(options: InitOptions = {}): Promise<Engine> {
  return initEngine({ module: simdModule, simd: true, ...options }, null);
}
