// Linear-memory ownership: one growable byte space shared by a parameter pool (weights,
// gradients, optimizer state; lives as long as the model) and a step arena (activations and
// temporaries; reset after every optimizer step or inference call). Views are re-derived
// whenever the underlying buffer changes identity, so no caller may cache one across a call
// that can allocate.

import type { WasmMemory } from './web-types.js';
import type { Ptr } from './abi/types.js';

/** Something that can hand out a bigger byte buffer while keeping the old contents. */
export interface GrowableStore {
  /** Current bytes. The identity changes when the store grows. */
  readonly buffer: ArrayBuffer;
  /** Grow to at least `bytes` bytes (copying or growing in place). */
  growTo(bytes: number): void;
}

/** WebAssembly.Memory as a growable store (grows in place; detaches old views). */
export class WasmStore implements GrowableStore {
  constructor(readonly memory: WasmMemory) {}
  get buffer(): ArrayBuffer {
    return this.memory.buffer as ArrayBuffer;
  }
  growTo(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    const pages = Math.ceil((bytes - have) / 65536);
    try {
      this.memory.grow(pages);
    } catch (e) {
      throw new Error(
        `memory: cannot grow wasm memory from ${mb(have)} to ${mb(bytes)} (${(e as Error).message}); ` +
          `the model or batch is too large for this host`,
      );
    }
  }
}

/**
 * Plain JS store for the pure-TS backend: separate float and int arrays of the same element
 * count, addressed by byte pointer / 4. The float array is Float32Array or, for the float64
 * test oracle, Float64Array.
 */
export class JsStore implements GrowableStore {
  buffer: ArrayBuffer;
  floats: Float32Array | Float64Array;
  ints: Int32Array;
  constructor(readonly precision: 32 | 64, bytes = 1 << 20) {
    this.buffer = new ArrayBuffer(bytes);
    this.ints = new Int32Array(this.buffer);
    this.floats = precision === 32 ? new Float32Array(this.buffer) : new Float64Array(bytes >>> 2);
  }
  growTo(bytes: number): void {
    if (bytes <= this.buffer.byteLength) return;
    const size = Math.max(bytes, this.buffer.byteLength * 2);
    const next = new ArrayBuffer(size);
    new Uint8Array(next).set(new Uint8Array(this.buffer));
    this.buffer = next;
    this.ints = new Int32Array(next);
    if (this.precision === 32) this.floats = new Float32Array(next);
    else {
      const f = new Float64Array(size >>> 2);
      f.set(this.floats);
      this.floats = f;
    }
  }
}

const ALIGN = 64; // cache line; also satisfies v128 alignment
const BIG = 16384; // blocks this large get staggered starts (see stagger())
const MIN_CHUNK = 1 << 22; // 4 MiB arena chunks at least

const alignUp = (n: number, a = ALIGN) => Math.ceil(n / a) * a;
const mb = (b: number) => `${(b / 1048576).toFixed(1)} MiB`;

/** Usage report of `engine.memory()`. Bytes. */
export interface MemoryReport {
  /** Bytes held by live parameter-pool blocks. */
  pool: number;
  /** Bytes currently handed out by the step arena. */
  arena: number;
  /** Highest arena use seen since creation (or since `resetHighWater`). */
  arenaHighWater: number;
  /** Arena chunk capacity reserved (kept across resets). */
  arenaReserved: number;
  /** Total size of linear memory. */
  total: number;
}

interface Chunk {
  start: number;
  size: number;
}

/** Pool + arena allocator over one growable store. Pointers are byte offsets. */
/** A position in the step arena (`Heap.mark`); `release` frees everything allocated after it. */
export interface ArenaMark {
  index: number;
  offset: number;
  used: number;
  epoch?: number;
  seq?: number;
}

export class Heap {
  private top: number;
  private staggerCount = 0;
  private readonly freeBySize = new Map<number, number[]>();
  private readonly blockSize = new Map<number, number>();
  private poolBytes = 0;
  private readonly chunks: Chunk[] = [];
  private chunkIndex = 0;
  private chunkOffset = 0;
  private arenaUsed = 0;
  private highWater = 0;
  /** Arena epoch: bumped by every reset; a tensor made in an older epoch is stale. */
  private arenaEpoch = 0;
  /** Sequence number of the last scratch block (within the epoch). */
  private arenaSeq = 0;
  /** Sequence ranges (lo, hi] released by `release(mark)` in this epoch: their tensors are stale. */
  private released: { lo: number; hi: number }[] = [];
  private cachedBuffer: ArrayBuffer | null = null;
  private f32View!: Float32Array;
  private i32View!: Int32Array;
  private u8View!: Uint8Array;

  /** @param base first byte this heap may use (below it: the module's static data). */
  constructor(readonly store: GrowableStore, base: number, readonly jsFloats?: () => Float32Array | Float64Array) {
    this.top = alignUp(base);
  }

  // ---- views -------------------------------------------------------------------------------

  private refresh(): void {
    const buf = this.store.buffer;
    if (buf === this.cachedBuffer) return;
    this.cachedBuffer = buf;
    this.f32View = new Float32Array(buf);
    this.i32View = new Int32Array(buf);
    this.u8View = new Uint8Array(buf);
  }
  /** Float view of the whole heap (Float64Array on the float64 reference backend). */
  get floats(): Float32Array | Float64Array {
    if (this.jsFloats) return this.jsFloats();
    this.refresh();
    return this.f32View;
  }
  get i32(): Int32Array {
    this.refresh();
    return this.i32View;
  }
  get u8(): Uint8Array {
    this.refresh();
    return this.u8View;
  }
  /** Set n float elements starting at byte pointer ptr to 0. */
  zero(ptr: number, n: number): void {
    const i = ptr >>> 2;
    this.floats.fill(0, i, i + n);
  }
  get byteLength(): number {
    return this.store.buffer.byteLength;
  }

  // ---- raw top allocation --------------------------------------------------------------------

  /**
   * Large buffers whose starts are congruent modulo 4 KiB alias in the L1/L2 sets and cost up to
   * 35 % bandwidth; give each big block a different 64-byte offset.
   */
  private stagger(bytes: number): number {
    if (bytes < BIG) return 0;
    this.staggerCount = (this.staggerCount + 1) % 31;
    return ALIGN * (this.staggerCount + 1);
  }

  private takeTop(bytes: number): number {
    const start = alignUp(this.top + this.stagger(bytes));
    const end = start + alignUp(bytes);
    this.store.growTo(end);
    this.top = end;
    return start;
  }

  // ---- parameter pool ----------------------------------------------------------------------

  /** A long-lived block of `bytes` bytes (contents undefined). Free with `free`. */
  alloc(bytes: number): Ptr {
    const size = alignUp(Math.max(bytes, 4));
    const list = this.freeBySize.get(size);
    const ptr = list && list.length > 0 ? list.pop()! : this.takeTop(size);
    this.blockSize.set(ptr, size);
    this.poolBytes += size;
    return ptr as Ptr;
  }

  /** Return a pool block. Freed blocks are reused by later allocations of the same size. */
  free(ptr: number): void {
    const size = this.blockSize.get(ptr);
    if (size === undefined) throw new Error(`memory: free(${ptr}): not a live pool block`);
    this.blockSize.delete(ptr);
    this.poolBytes -= size;
    let list = this.freeBySize.get(size);
    if (!list) this.freeBySize.set(size, (list = []));
    list.push(ptr);
  }

  // ---- step arena --------------------------------------------------------------------------

  /** A block valid until the next `resetArena` (contents undefined). */
  scratch(bytes: number): Ptr {
    const size = alignUp(Math.max(bytes, 4)) + this.stagger(bytes);
    while (this.chunkIndex < this.chunks.length) {
      const c = this.chunks[this.chunkIndex];
      if (this.chunkOffset + size <= c.size) {
        const ptr = c.start + this.chunkOffset + (size - alignUp(Math.max(bytes, 4)));
        this.chunkOffset += size;
        this.noteArena(size);
        this.arenaSeq++;
        return ptr as Ptr;
      }
      this.chunkIndex++;
      this.chunkOffset = 0;
    }
    const last = this.chunks.length ? this.chunks[this.chunks.length - 1].size : 0;
    const chunkSize = Math.max(size, MIN_CHUNK, last * 2);
    this.chunks.push({ start: this.takeTop(chunkSize), size: chunkSize });
    this.chunkIndex = this.chunks.length - 1;
    this.chunkOffset = 0;
    return this.scratch(bytes);
  }

  private noteArena(size: number): void {
    this.arenaUsed += size;
    if (this.arenaUsed > this.highWater) this.highWater = this.arenaUsed;
  }

  /** Forget every scratch block. Chunks are kept, so a steady loop stops allocating. */
  resetArena(): void {
    this.chunkIndex = 0;
    this.chunkOffset = 0;
    this.arenaUsed = 0;
    this.arenaEpoch++;
    this.arenaSeq = 0;
    this.released = [];
  }

  /** Current arena position, for nested scopes (`release(mark)` frees what came after it). */
  mark(): ArenaMark {
    return { index: this.chunkIndex, offset: this.chunkOffset, used: this.arenaUsed, epoch: this.arenaEpoch, seq: this.arenaSeq };
  }
  release(m: ArenaMark): void {
    if (m.epoch !== undefined && m.epoch !== this.arenaEpoch) return; // the arena was reset since: nothing of the scope is left
    this.chunkIndex = m.index;
    this.chunkOffset = m.offset;
    this.arenaUsed = m.used;
    if (m.seq !== undefined && m.seq < this.arenaSeq) {
      // Ranges stay disjoint, non-touching and sorted (each new one ends at arenaSeq): the new range
      // swallows every range it overlaps or touches, so a serving loop of mark/scratch/release
      // without resets keeps one range instead of a list scanned by every release and tensor read.
      const r = this.released;
      let lo = m.seq;
      while (r.length && r[r.length - 1].hi >= lo) lo = Math.min(lo, r.pop()!.lo);
      r.push({ lo, hi: this.arenaSeq });
    }
  }

  /** Stamp of the newest scratch block: tensors over it record it to detect stale reads. */
  arenaStamp(): { epoch: number; seq: number } {
    return { epoch: this.arenaEpoch, seq: this.arenaSeq };
  }
  /** Whether the block stamped `s` is still live (no reset, no release of its scope since). */
  isLive(s: { epoch: number; seq: number }): boolean {
    if (s.epoch !== this.arenaEpoch) return false;
    for (const r of this.released) if (s.seq > r.lo && s.seq <= r.hi) return false;
    return true;
  }
  /** The current arena epoch (bumped by every reset). */
  get epoch(): number {
    return this.arenaEpoch;
  }

  resetHighWater(): void {
    this.highWater = this.arenaUsed;
  }

  report(): MemoryReport {
    return {
      pool: this.poolBytes,
      arena: this.arenaUsed,
      arenaHighWater: this.highWater,
      arenaReserved: this.chunks.reduce((s, c) => s + c.size, 0),
      total: this.store.buffer.byteLength,
    };
  }
}
