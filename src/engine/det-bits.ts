// Exact bit access to doubles for the deterministic math of det-math.ts and det-trig.ts: the high
// and low 32-bit words of a double, rebuilding one from words, and exact powers of two. Both files
// import these, so neither imports the other's helpers.
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
F64[0] = 1;
const HI = U32[1] === 0x3ff00000 ? 1 : 0; // index of the high word (1 on little-endian hosts)
const LO = 1 - HI;

export function hiWord(x: number): number { F64[0] = x; return U32[HI] | 0; }
export function loWord(x: number): number { F64[0] = x; return U32[LO]; }
export function fromWords(hi: number, lo: number): number { U32[HI] = hi >>> 0; U32[LO] = lo >>> 0; return F64[0]; }
export function withHi(x: number, hi: number): number { F64[0] = x; U32[HI] = hi >>> 0; return F64[0]; }
/** 2^k for -1022 <= k <= 1023, exact. */
export function pow2(k: number): number { return fromWords((k + 1023) << 20, 0); }
