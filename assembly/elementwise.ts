// elementwise kernels. C ABI: byte offsets and integers in, nothing out but numbers.
// The SIMD main loop and the scalar tail live in one function; the scalar build comes from the
// same source with ASC_FEATURE_SIMD false.

/** out[i] = a[i] + b[i] for i < n. */
export function add_f32(a: usize, b: usize, out: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = (<usize>i) << 2;
      v128.store(out + o, f32x4.add(v128.load(a + o), v128.load(b + o)));
    }
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    store<f32>(out + o, load<f32>(a + o) + load<f32>(b + o));
  }
}
