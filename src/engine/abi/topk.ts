// ABI of the topk kernel family (assembly/topk.ts): export name -> argument kinds.
import type { AbiTable } from './types.js';

export const TOPK_ABI = {
} as const satisfies AbiTable;
