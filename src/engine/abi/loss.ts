// ABI of the loss kernel family (assembly/loss.ts): export name -> argument kinds.
import type { AbiTable } from './types.js';

export const LOSS_ABI = {
} as const satisfies AbiTable;
