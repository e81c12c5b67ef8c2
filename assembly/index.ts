// The kernel ABI's table of contents: every export of the wasm module, by family.
// Pointers are byte offsets into the imported memory; TypeScript owns all allocation.
export * from './gemm';
export * from './elementwise';
export * from './layout';
export * from './reduce';
export * from './softmax';
export * from './squash';
export * from './routing';
export * from './layernorm';
export * from './embedding';
export * from './optim';
export * from './optim-f16';
export { adam_rows_f16_ref, adagrad_rows_f16_ref } from './optim-f16-ref';
export * from './topk';
export * from './loss';
export * from './sampler';
export * from './quant';
export * from './scratch';
