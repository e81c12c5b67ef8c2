// mirec's public API. Nothing runs at import time: call `await init()` first.
export { init, engine, setEngine, setDebug, hasWasmSimd, Engine, type InitOptions, type BackendName, type MemoryReport } from './engine/index.js';
export { Tensor, tensor, idTensor, zeros, empty, poolTensor, type DType } from './tensor.js';
export { backward, noGrad, stopGradient, clearTape } from './autograd/tape.js';
export { gradcheck, type GradcheckOptions, type GradcheckResult } from './autograd/gradcheck.js';
export * as ops from './ops/index.js';
export { Adam, Adagrad, SGD, type AdamConfig, type AdagradConfig, type OptimizerConfig } from './optim/index.js';
export { ParamStore, type Init } from './nn/params.js';
export { Rng } from './engine/random.js';
