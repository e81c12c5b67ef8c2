// ABI of the gemm kernel family (assembly/gemm.ts): export name -> argument kinds.
import type { AbiTable } from './types.js';

export const GEMM_ABI = {
} as const satisfies AbiTable;
