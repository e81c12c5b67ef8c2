// Cloudflare Workers entry (the `workerd` export condition): Workers refuse to compile wasm from
// bytes, so the SIMD build is imported as a module and handed to init(). Everything else is the
// default entry.
import simdModule from './mirec-simd.wasm';
import { init as initFrom, type InitOptions } from './engine/load.js';
import type { Engine } from './engine/engine.js';

export * from './index.js';

/** Load the kernels from the bundled module (options may still force `backend: 'js'`). */
export function init(options: InitOptions = {}): Promise<Engine> {
  return initFrom({ module: simdModule, simd: true, ...options });
}
