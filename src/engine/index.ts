// The engine layer's public face: loading, the Engine, memory report types, kernel names.
export { init, engine, setEngine, setDebug, hasWasmSimd, instantiate, embeddedBytes, type InitOptions } from './load.js';
export { Engine, HEAP_BASE, type BackendName, type Kernels, type KernelFn } from './engine.js';
export type { MemoryReport } from './memory.js';
export { ABI, type KernelName } from './abi/index.js';
