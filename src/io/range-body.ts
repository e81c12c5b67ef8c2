// Reading an HTTP response body of known length into a caller's buffer, for byte-range reads
// (the IVF index's lists, a checkpoint's tensors): BYOB when the body is a byte stream and the
// caller lets its buffer be transferred, chunk copies otherwise; a body longer or shorter than
// asked is an error naming `what`.

/** What is read of a fetch response (a `Response` satisfies it). */
export interface BodyResponse {
  arrayBuffer(): Promise<ArrayBuffer>;
  body?: { cancel(): Promise<void>; getReader?(opts?: { mode: 'byob' }): unknown } | null;
}

/** The reader of a fetch body: default (chunks) or BYOB (`getReader({ mode: 'byob' })`). */
interface BodyReader {
  read(view?: Uint8Array): Promise<{ done: boolean; value?: Uint8Array }>;
  cancel(): Promise<void>;
  releaseLock(): void;
}

/**
 * Read a response body of exactly `length` bytes into `into`; the filled view. With `transfer`
 * (the default) a byte stream is read BYOB, straight into `into`'s buffer, which is transferred:
 * the view may then lie over a new ArrayBuffer and `into` must not be used again. Without it the
 * body is copied into `into` chunk by chunk. More or fewer bytes than `length` are an error.
 */
export async function readRangeBody(res: BodyResponse, into: Uint8Array, length: number, what: string, transfer = true): Promise<Uint8Array> {
  const body = res.body;
  let byob: BodyReader | null = null;
  if (transfer && body && typeof body.getReader === 'function') {
    try { byob = body.getReader({ mode: 'byob' }) as BodyReader; } catch { byob = null; } // not a byte stream
  }
  if (byob) {
    // BYOB: the runtime writes straight into our buffer (transferred on every read, handed back).
    let buf = into.buffer as ArrayBuffer;
    const base = into.byteOffset;
    let got = 0;
    let extra = false;
    try {
      while (got < length) {
        const r = await byob.read(new Uint8Array(buf, base + got, length - got));
        if (r.value) buf = r.value.buffer as ArrayBuffer;
        if (r.done) break;
        got += r.value!.byteLength;
      }
      if (got === length) extra = !(await byob.read(new Uint8Array(1))).done;
    } finally {
      await byob.cancel().catch(() => undefined);
    }
    if (extra) throw new Error(`${what}: got more than ${length} bytes`);
    if (got !== length) throw new Error(`${what}: got ${got} bytes, expected ${length}`);
    return new Uint8Array(buf, base, length);
  }
  if (body && typeof body.getReader === 'function') {
    // A chunked body: copy each chunk into place (chunks are small and die young).
    const reader = body.getReader() as BodyReader;
    let got = 0;
    try {
      for (;;) {
        const r = await reader.read();
        if (r.done) break;
        const c = r.value!;
        if (got + c.length > length) throw new Error(`${what}: got more than ${length} bytes`);
        into.set(c, got);
        got += c.length;
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
    if (got !== length) throw new Error(`${what}: got ${got} bytes, expected ${length}`);
    return into.subarray(0, length);
  }
  const all = new Uint8Array(await res.arrayBuffer());
  if (all.length !== length) throw new Error(`${what}: got ${all.length} bytes, expected ${length}`);
  into.set(all);
  return into.subarray(0, length);
}
