// Optimizers: Adam (dense and lazy row-sparse), Adagrad, SGD, with global-norm clipping; f32 or
// f16 state for row-sparse tables.
export { Optimizer, type OptimizerConfig, type RowGrad } from './optimizer.js';
export { Adam, type AdamConfig } from './adam.js';
export { SGD, Adagrad, type AdagradConfig } from './sgd.js';
export type { StateDtype, StateEntry } from './half-state.js';
