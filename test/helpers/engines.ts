// Test engines: the float64 oracle and every float32 backend (pure TS, wasm scalar, wasm SIMD),
// each with its own memory, made once per process.
import { Engine } from '../../src/engine/engine.js';
import { embeddedBytes, instantiate } from '../../src/engine/load.js';

let cache: Promise<Engine[]> | null = null;

/** [js (f32 reference), wasm (scalar), wasm-simd]. */
export function f32Backends(): Promise<Engine[]> {
  cache ??= (async () => [
    Engine.fromReference(32),
    await instantiate(await embeddedBytes(false), 'wasm'),
    await instantiate(await embeddedBytes(true), 'wasm-simd'),
  ])();
  return cache;
}

/** A fresh float64 reference engine: the oracle. */
export function oracle(): Engine {
  return Engine.fromReference(64);
}
