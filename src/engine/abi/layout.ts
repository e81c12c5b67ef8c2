// ABI of the layout kernel family (assembly/layout.ts): the shape ops' copies.
// `acc` (i): 0 writes the destination, 1 adds into it.
import type { AbiTable } from './types.js';

export const LAYOUT_ABI = {
  copy_rows_f32: 'pipiiii', // (src, lds, dst, ldd, rows, n, acc): dst[r·ldd + j] (+)= src[r·lds + j]
  transpose_f32: 'ppiiii', // (src, dst, batch, R, C, acc): dst[b][j][i] (+)= src[b][i][j]
} as const satisfies AbiTable;
