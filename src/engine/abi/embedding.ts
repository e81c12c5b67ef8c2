// ABI of the embedding kernel family (assembly/embedding.ts): export name -> argument kinds.
import type { AbiTable } from './types.js';

export const EMBEDDING_ABI = {
} as const satisfies AbiTable;
