// Types shared by the reference kernels.
/** A float heap: Float32Array for the fallback backend, Float64Array for the test oracle. */
export type Floats = Float32Array | Float64Array;
