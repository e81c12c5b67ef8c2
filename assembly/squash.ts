// squash kernels. C ABI: byte offsets and integers in, nothing out but numbers.
// The SIMD main loop and the scalar tail live in one function; the scalar build comes from the
// same source with ASC_FEATURE_SIMD false.
