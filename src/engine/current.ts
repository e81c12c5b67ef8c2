// The default engine: the one `init()` made, which tensors, parameters and serving use when no
// engine is passed. Kept apart from loading so that modules needing the engine never pull in a
// kernel source (the embedded base64 builds or the Workers' .wasm import).
import type { Engine } from './engine.js';

let current: Engine | null = null;

/** The engine `init()` made. Throws a clear error before `init()`. */
export function engine(): Engine {
  if (!current) throw new Error('mirec: the engine is not initialised; call `await init()` first');
  return current;
}

/** The engine made so far, or null (init() returns it instead of loading again). */
export function currentEngine(): Engine | null {
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
