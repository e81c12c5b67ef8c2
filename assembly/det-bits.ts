// Exact word access to f64 for the deterministic math (det-math.ts, det-pow.ts): the high and low
// 32-bit words, rebuilding a double from words, exact powers of two. The JavaScript twin is
// src/engine/det-bits.ts; here the words are reinterpretations, so nothing can round.

// @ts-ignore: decorator
@inline export function hiWord(x: f64): i32 { return <i32>(reinterpret<u64>(x) >>> 32); }
// @ts-ignore: decorator
@inline export function loWord(x: f64): u32 { return <u32>reinterpret<u64>(x); }
// @ts-ignore: decorator
@inline export function fromWords(hi: i32, lo: u32): f64 { return reinterpret<f64>(((<u64><u32>hi) << 32) | <u64>lo); }
// @ts-ignore: decorator
@inline export function withHi(x: f64, hi: i32): f64 { return fromWords(hi, loWord(x)); }
/** 2^k for -1022 <= k <= 1023, exact. */
// @ts-ignore: decorator
@inline export function pow2(k: i32): f64 { return fromWords((k + 1023) << 20, 0); }
