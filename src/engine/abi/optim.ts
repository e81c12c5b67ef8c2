// ABI of the optim kernel family (assembly/optim.ts): export name -> argument kinds.
import type { AbiTable } from './types.js';

export const OPTIM_ABI = {
} as const satisfies AbiTable;
