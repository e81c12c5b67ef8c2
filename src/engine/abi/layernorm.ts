// ABI of the layernorm kernel family (assembly/layernorm.ts): export name -> argument kinds.
import type { AbiTable } from './types.js';

export const LAYERNORM_ABI = {
} as const satisfies AbiTable;
