// The list cache of a partitioned index: one byte buffer of the budget, filled like a ring
// (first in, first out). A new list is copied in after the newest one (wrapping to the start when
// it does not fit before the end) and evicts only the lists it overwrites; nothing is allocated
// per list, so a long-running host leaves no evicted buffers for the garbage collector.
export class RingCache {
  private buf: Uint8Array | null = null;
  /** Live entries, oldest first: key → [offset, length]. */
  private readonly map = new Map<number, [number, number]>();
  private head = 0;
  private used = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 0) || !Number.isFinite(capacity)) throw new Error(`RingCache: capacity ${capacity}; expected bytes ≥ 0`);
  }

  /** The cached bytes of `key` (a view into the ring: valid until the next `set`). */
  get(key: number): Uint8Array | undefined {
    const at = this.map.get(key);
    return at && this.buf ? this.buf.subarray(at[0], at[0] + at[1]) : undefined;
  }

  /** Copy `data` in (evicting what it overwrites); the stored view, or undefined when too large. */
  set(key: number, data: Uint8Array): Uint8Array | undefined {
    this.delete(key);
    const n = data.length;
    if (n > this.capacity || n === 0) return undefined;
    this.buf ??= new Uint8Array(this.capacity);
    let at = this.head;
    if (at + n > this.capacity) at = 0;
    for (const [k, [o, len]] of this.map) if (o < at + n && at < o + len) this.delete(k);
    this.buf.set(data, at);
    this.map.set(key, [at, n]);
    this.used += n;
    this.head = at + n;
    return this.buf.subarray(at, at + n);
  }

  private delete(key: number): void {
    const at = this.map.get(key);
    if (!at) return;
    this.map.delete(key);
    this.used -= at[1];
  }

  /** Bytes of the live entries. */
  get bytes(): number {
    return this.used;
  }

  get size(): number {
    return this.map.size;
  }
}
