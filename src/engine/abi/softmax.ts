// ABI of the softmax kernel family (assembly/softmax.ts): export name -> argument kinds.
import type { AbiTable } from './types.js';

export const SOFTMAX_ABI = {
} as const satisfies AbiTable;
