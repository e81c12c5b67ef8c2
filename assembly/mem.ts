// Element-indexed load/store helpers shared by the kernel families: pointer + i·4 bytes.
// Inlined at every use, so they cost nothing over writing the address arithmetic by hand.

// @ts-ignore: decorator
@inline export function ld(p: usize, i: i32): f32 {
  return load<f32>(p + ((<usize>i) << 2));
}
// @ts-ignore: decorator
@inline export function st(p: usize, i: i32, v: f32): void {
  store<f32>(p + ((<usize>i) << 2), v);
}
// @ts-ignore: decorator
@inline export function vld(p: usize, i: i32): v128 {
  return v128.load(p + ((<usize>i) << 2));
}
// @ts-ignore: decorator
@inline export function vst(p: usize, i: i32, v: v128): void {
  v128.store(p + ((<usize>i) << 2), v);
}
