// The threaded cross-runtime probe: 4 ComiRec-SA training steps at a shape whose GEMMs and row
// kernels are large enough to be split between threads, hashed over the parameter bits. The
// same seed gives the same hash with 1, 2 or 3 threads and on every host (one thread where the
// host has none). Plain JS so Node, Deno, Bun, workerd and Chromium run it unchanged.

/** FNV-1a over the bytes of float32 arrays, as 8 hex digits. */
function fnv(arrays) {
  let h = 0x811c9dc5;
  for (const a of arrays) {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Train 4 steps; returns { threads, checksum, loss }. `initOptions.threads` picks the count. */
export async function threadChecksum(mirec, initOptions = {}) {
  const e = await mirec.init(initOptions);
  const B = 96, T = 20, N = 3000;
  const model = new mirec.ComiRecSA({ items: N, dim: 32, interests: 4, seqLen: T, seed: 7 });
  const opt = new mirec.Adam(model.params.list(), { lr: 0.01 });
  const rng = new mirec.Rng(11);
  let loss = 0;
  for (let step = 0; step < 4; step++) {
    const hist = new Int32Array(B * T), mask = new Float32Array(B * T), len = new Int32Array(B), target = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      len[b] = 1 + ((b * 7 + step) % T);
      for (let t = 0; t < len[b]; t++) {
        hist[b * T + t] = 1 + ((b * 131 + t * 17 + step * 29) % (N - 1));
        mask[b * T + t] = 1;
      }
      target[b] = 1 + ((b * 53 + step * 11) % (N - 1));
    }
    const l = model.loss({ B, T, hist, mask, len, target }, rng);
    loss = l.item();
    mirec.backward(l);
    opt.step();
    e.heap.resetArena();
  }
  const arrays = model.params.list().map((t) => Float32Array.from(t.data));
  const threads = e.threads;
  e.close();
  return { threads, checksum: fnv(arrays), loss };
}
