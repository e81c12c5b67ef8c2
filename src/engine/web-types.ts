// Structural stand-ins for the few Web/WebAssembly types that public signatures need, so the
// published .d.ts compile with `lib: ["ES2022"]` and `types: []` (no DOM, no @types/node). The
// real WebAssembly.Module / Memory / Instance, URL and ReadableStream objects satisfy them.

/** A compiled kernel module (a `WebAssembly.Module`; Workers import the .wasm file as one). */
export type WasmModule = object;

/** A `WebAssembly.Memory`: the engine's linear memory. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(delta: number): number;
}

/** A `WebAssembly.Instance`: the kernels are its exported functions. */
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

/** Raw bytes of a kernel build (what `BufferSource` is). */
export type WasmBytes = ArrayBuffer | ArrayBufferView;

/** A `URL` object (only `href` is read; strings work wherever a URL does). */
export interface UrlLike {
  readonly href: string;
  readonly protocol: string;
  readonly pathname: string;
}

/** A `ReadableStream<Uint8Array>` (web streams: fetch bodies, Deno/Bun files, DecompressionStream). */
export interface ByteStream {
  getReader(): {
    read(): Promise<{ done: boolean; value?: Uint8Array }>;
    releaseLock(): void;
  };
}
