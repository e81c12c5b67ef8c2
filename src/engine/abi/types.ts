// Kernel ABI vocabulary: every wasm export takes byte offsets and numbers, nothing else.
// A signature string has one letter per argument: p = byte pointer into linear memory
// (f32 or i32 data, 4-byte elements), i = i32 integer, f = f32 scalar.
export type ArgKind = 'p' | 'i' | 'f';
export type Signature = string;
export type AbiTable = Readonly<Record<string, Signature>>;
