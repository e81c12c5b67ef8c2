// ABI of the reduce kernel family (assembly/reduce.ts): export name -> argument kinds.
import type { AbiTable } from './types.js';

export const REDUCE_ABI = {
} as const satisfies AbiTable;
