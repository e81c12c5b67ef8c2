// Kernel ABI vocabulary: every wasm export takes byte offsets and numbers, nothing else.
// A signature string has one letter per argument: p = byte pointer into linear memory
// (f32 or i32 data, 4-byte elements), i = i32 integer, f = f32 scalar. The same strings type
// the calls: `KernelArgs<'ppi'>` is [Ptr, number, number], so tsc rejects a wrong count or kind.
export type ArgKind = 'p' | 'i' | 'f';
export type Signature = string;
export type AbiTable = Readonly<Record<string, Signature>>;

declare const kind: unique symbol;
/**
 * A byte offset into the engine's linear memory (`Tensor.ptr`, `heap.alloc`). A plain number is
 * not a Ptr (derive one with `ptrAt`), and a Ptr is not a count or scalar: both fail the type check.
 */
export type Ptr = number & { readonly [kind]: 'p' };
/** An i32 or f32 argument: any number except a Ptr. */
export type Num = number & { readonly [kind]?: undefined };

type ArgOf<C extends string> = C extends 'p' ? Ptr : Num;
/** The argument tuple a signature string describes, e.g. 'pfpi' → [Ptr, Num, Ptr, Num]. */
export type KernelArgs<S extends string> = S extends `${infer C}${infer Rest}` ? [ArgOf<C>, ...KernelArgs<Rest>] : [];

/** `base` advanced by `bytes` (pointer arithmetic keeps the Ptr type only through here). */
export function ptrAt(base: Ptr, bytes: number): Ptr {
  return (base + bytes) as Ptr;
}
/** The null pointer: an absent optional block (e.g. the scales of a table without any). */
export const NULL_PTR = 0 as Ptr;
/** A number known to be a byte offset into linear memory (allocators, tests, benches). */
export function asPtr(bytes: number): Ptr {
  return bytes as Ptr;
}
