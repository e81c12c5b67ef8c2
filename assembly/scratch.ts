// Per-instance scratch of the kernels that need a small buffer (the GEMM's packed B panel and
// write-back tile, softmax's 4x4 transpose). Static data by default; on shared memory every
// worker instance points its own copy elsewhere with `thread_scratch_set`, because globals are
// per instance while static data is shared by all of them.

/** Bytes of scratch one instance needs: panel (KC·NR·4 = 8 KiB) + tile (32 B) + T4 (64 B). */
export const SCRATCH_BYTES: i32 = 8192 + 64 + 64;

/** Start of this instance's scratch (64-byte aligned). */
export let SCRATCH: usize = memory.data(SCRATCH_BYTES, 64);

/** Point this instance's scratch at `ptr` (SCRATCH_BYTES bytes, 64-byte aligned, owned by TS). */
export function thread_scratch_set(ptr: usize): void {
  SCRATCH = ptr;
}

/** Bytes a worker instance must give `thread_scratch_set`. */
export function thread_scratch_bytes(): i32 {
  return SCRATCH_BYTES;
}
