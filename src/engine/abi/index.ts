// The kernel ABI's table of contents: every wasm export with its argument kinds.
// The JS backend uses it to turn byte pointers into element indices; debug mode uses it to
// bounds-check pointers. Families add their entries in their own file.
import { GEMM_ABI } from './gemm.js';
import { ELEMENTWISE_ABI } from './elementwise.js';
import { REDUCE_ABI } from './reduce.js';
import { SOFTMAX_ABI } from './softmax.js';
import { SQUASH_ABI } from './squash.js';
import { ROUTING_ABI } from './routing.js';
import { LAYERNORM_ABI } from './layernorm.js';
import { EMBEDDING_ABI } from './embedding.js';
import { OPTIM_ABI } from './optim.js';
import { TOPK_ABI } from './topk.js';
import { LOSS_ABI } from './loss.js';
import { QUANT_ABI } from './quant.js';
import { LAYOUT_ABI } from './layout.js';
import type { KernelArgs } from './types.js';

export const ABI = {
  ...GEMM_ABI,
  ...ELEMENTWISE_ABI,
  ...REDUCE_ABI,
  ...SOFTMAX_ABI,
  ...SQUASH_ABI,
  ...ROUTING_ABI,
  ...LAYERNORM_ABI,
  ...EMBEDDING_ABI,
  ...OPTIM_ABI,
  ...TOPK_ABI,
  ...LOSS_ABI,
  ...QUANT_ABI,
  ...LAYOUT_ABI,
} as const;

export type KernelName = keyof typeof ABI;
/** Kernels that return a number (the rest return nothing). */
type Returning = 'check_finite_f32' | 'sum_sq_f32';
/** The typed call of one kernel, derived from its signature string. */
export type KernelOf<K extends KernelName> = (...args: KernelArgs<(typeof ABI)[K]>) => K extends Returning ? number : void;
export { ptrAt, asPtr, NULL_PTR } from './types.js';
export type { ArgKind, Signature, AbiTable, Ptr, Num, KernelArgs } from './types.js';
