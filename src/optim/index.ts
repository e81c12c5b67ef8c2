// Optimizers: Adam (dense and lazy row-sparse), Adagrad, SGD, with global-norm clipping.
export { Optimizer, type OptimizerConfig, type RowGrad } from './optimizer.js';
export { Adam, type AdamConfig } from './adam.js';
export { SGD, Adagrad, type AdagradConfig } from './sgd.js';
