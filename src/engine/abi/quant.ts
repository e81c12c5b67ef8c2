// ABI of the quant kernel family (assembly/quant.ts): export name -> argument kinds.
// Compact tables (int8 bytes, f16 halves) live in the int heap: 'p' pointers to them must be
// 4-byte aligned and address `ceil(rows/8)·8·d` values in the panel layout (items in groups of
// 8, k-major; see assembly/quant.ts). Scales are f32, one per item of the padded table.
import type { AbiTable } from './types.js';

export const QUANT_ABI = {
  quantize_i8_panels: 'piipp', // (x, rows, d, tab(i8), scales): scale = max|x|/127, q = round(x/scale)
  f16_panels: 'piip', // (x, rows, d, tab(f16)): round to nearest even, saturating at ±65504
  dequantize_i8_panels: 'ppiip', // (tab, scales, rows, d, out): out [rows, d] row-major
  f16_panels_to_f32: 'piip', // (tab, rows, d, out)
  score_i8_nt: 'iiipipppi', // (M, n, D, q, ldq, tab, scales, out, ldo): out[i,j] = q_i · (scale_j tab_j)
  score_f16_nt: 'iiipippi', // (M, n, D, q, ldq, tab, out, ldo)
} as const satisfies AbiTable;
