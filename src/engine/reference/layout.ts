// Pure-TS reference kernels of the layout family (assembly/layout.ts): the shape ops' copies.
// Pointers are element indices; `acc` 1 adds into the destination, 0 overwrites.
import type { Floats } from './types.js';

type I = Int32Array;

/** dst[r·ldd + j] (+)= src[r·lds + j] for r < rows, j < n. */
export function copy_rows_f32(F: Floats, _I: I, src: number, lds: number, dst: number, ldd: number, rows: number, n: number, acc: number): void {
  for (let r = 0; r < rows; r++) {
    const s = src + r * lds, d = dst + r * ldd;
    if (acc) for (let j = 0; j < n; j++) F[d + j] += F[s + j];
    else F.copyWithin(d, s, s + n);
  }
}

/** dst[b][j][i] (+)= src[b][i][j] over `batch` [R, C] blocks. */
export function transpose_f32(F: Floats, _I: I, src: number, dst: number, batch: number, R: number, C: number, acc: number): void {
  for (let b = 0; b < batch; b++) {
    const s = src + b * R * C, d = dst + b * R * C;
    for (let i = 0; i < R; i++) {
      for (let j = 0; j < C; j++) {
        if (acc) F[d + j * R + i] += F[s + i * C + j];
        else F[d + j * R + i] = F[s + i * C + j];
      }
    }
  }
}
