// A byte-bounded least-recently-used cache (Map insertion order = recency): what a partitioned
// index keeps of the lists it fetched. Entries larger than the whole budget are not kept.
export class ByteLru<K, V> {
  private readonly map = new Map<K, { value: V; bytes: number }>();
  private used = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 0)) throw new Error(`ByteLru: capacity ${capacity}; expected bytes ≥ 0`);
  }

  get(key: K): V | undefined {
    const hit = this.map.get(key);
    if (!hit) return undefined;
    this.map.delete(key);
    this.map.set(key, hit); // most recent last
    return hit.value;
  }

  set(key: K, value: V, bytes: number): void {
    const old = this.map.get(key);
    if (old) { this.used -= old.bytes; this.map.delete(key); }
    if (bytes > this.capacity) return;
    this.map.set(key, { value, bytes });
    this.used += bytes;
    for (const [k, v] of this.map) {
      if (this.used <= this.capacity) break;
      this.map.delete(k);
      this.used -= v.bytes;
    }
  }

  /** Bytes held. */
  get bytes(): number {
    return this.used;
  }

  get size(): number {
    return this.map.size;
  }
}
