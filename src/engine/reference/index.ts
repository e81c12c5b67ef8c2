// All reference kernels, keyed by the same export names as the wasm build.
export * from './gemm.js';
export * from './elementwise.js';
export * from './layout.js';
export * from './reduce.js';
export * from './softmax.js';
export * from './squash.js';
export * from './routing.js';
export * from './layernorm.js';
export * from './embedding.js';
export * from './optim.js';
export * from './optim-f16.js';
export * from './topk.js';
export * from './loss.js';
export * from './quant.js';
