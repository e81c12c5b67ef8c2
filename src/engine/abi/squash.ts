// ABI of the squash kernel family (assembly/squash.ts): export name -> argument kinds.
import type { AbiTable } from './types.js';

export const SQUASH_ABI = {
} as const satisfies AbiTable;
