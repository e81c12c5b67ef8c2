// The cross-runtime probe: a tiny forward + backward + Adam loop through most op families on the
// library's public API, hashed over the parameter bits. Same seed → same hash on every host.
// Plain JS (no TypeScript) so Node, Deno, Bun, workerd and Chromium run it unchanged.

/** FNV-1a over the bytes of float32 arrays, as 8 hex digits. */
function fnv(arrays) {
  let h = 0x811c9dc5;
  for (const a of arrays) {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Run 5 training steps of a small two-layer model; returns { backend, checksum, loss }. */
export async function stepChecksum(mirec, initOptions = {}) {
  const e = await mirec.init(initOptions);
  const { ops } = mirec;
  const rng = new mirec.Rng(42);
  const ps = new mirec.ParamStore(rng, e);
  const table = ps.create('items', [50, 8], { kind: 'glorot' }, { paddingRow: true, sparse: true });
  const w = ps.create('w', [8, 8]);
  const bias = ps.create('b', [8], { kind: 'zeros' });
  const gamma = ps.create('ln.g', [8], { kind: 'ones' });
  const beta = ps.create('ln.b', [8], { kind: 'zeros' });
  const opt = new mirec.Adam(ps.list(), { lr: 0.01 });
  let loss = 0;
  for (let step = 0; step < 5; step++) {
    const hist = mirec.idTensor(Array.from({ length: 12 }, (_, i) => 1 + ((i * 7 + step * 3) % 49)), [4, 3]);
    const h = ops.gather(table, hist); // [4, 3, 8]
    const x = ops.layerNorm(ops.tanh(ops.linear(h, w, bias)), gamma, beta); // [4, 3, 8]
    const att = ops.softmax(ops.reshape(ops.dotRows(x, h), [4, 3])); // [4, 3]
    const u = ops.squash(ops.reshape(ops.bmm(ops.reshape(att, [4, 1, 3]), x), [4, 8])); // [4, 8]
    const cand = mirec.idTensor([2 + step, 10, 20, 30, 40, 45], [6]);
    const logits = ops.matmul(u, ops.gather(table, cand), false, true); // [4, 6]
    const l = ops.softmaxCrossEntropy(logits);
    loss = l.item();
    mirec.backward(l);
    opt.step();
    e.heap.resetArena();
  }
  const arrays = ps.list().map((t) => Float32Array.from(t.data));
  return { backend: e.backend, checksum: fnv(arrays), loss };
}
