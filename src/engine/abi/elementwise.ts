// ABI of the elementwise kernel family (assembly/elementwise.ts): export name -> argument kinds.
import type { AbiTable } from './types.js';

export const ELEMENTWISE_ABI = {
  add_f32: 'pppi', // (a, b, out, n)
} as const satisfies AbiTable;
