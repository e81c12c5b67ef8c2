// The engine layer's public face: the default engine, kernel loading without a source (each
// entry point adds its own `init`), the Engine, memory report types, kernel names.
export { engine, setEngine, setDebug } from './current.js';
export { hasWasmSimd, instantiate, initEngine, type InitOptions, type EmbeddedSource } from './instantiate.js';
export type { WasmModule, WasmMemory, WasmInstance, WasmBytes, UrlLike, ByteStream } from './web-types.js';
export { Engine, HEAP_BASE, type BackendName, type Kernels, type KernelFn } from './engine.js';
export type { MemoryReport } from './memory.js';
export { ABI, type KernelName } from './abi/index.js';
