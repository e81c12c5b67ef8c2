// The source of a kernel worker, as a string so every host can start it without a separate
// file: worker_threads (`eval: true`) in Node, a Blob-URL Web Worker in Deno, Bun and browsers.
// A worker instantiates the kernel module on the shared memory, points its scratch at its own
// block, says ready, then serves split calls posted in the shared control block until told to
// stop. Control block (Int32Array, shared by all workers): [0] call sequence (-1 = stop),
// [1] chunk counter ((sequence & 0xffffff) << 6 | next chunk), [2] kernel index, [3] argument
// count, [4] error flag, [5] chunks in the call, [6] chunks done by workers; each chunk's
// arguments at chunk · argStride in a Float64Array. Whoever (caller or worker) wins the
// compare-exchange on [1] runs that chunk; the chunks are the same whoever runs them, and so are
// the bits. The sequence tag in [1] keeps a worker that slept through a call from claiming a
// chunk of the next one: the caller gives [1] the new tag before it writes any other field of
// the next call, and stores [0] last.

export const WORKER_SOURCE = String.raw`
const start = (msg, post) => {
  const { module, memory, names, control, args, scratch, spin, argStride } = msg;
  const instance = new WebAssembly.Instance(module, {
    env: { memory, abort(_m, _f, line, col) { throw new Error('mirec kernel aborted at ' + line + ':' + col); } },
  });
  const x = instance.exports;
  x.thread_scratch_set(scratch);
  const fns = names.map((n) => x[n]);
  const ctl = new Int32Array(control);
  const f64 = new Float64Array(args);
  const argv = [];
  post({ ready: true });
  let seen = 0;
  for (;;) {
    let s = Atomics.load(ctl, 0);
    for (let n = 0; s === seen; n++) {
      if (n >= spin) { Atomics.wait(ctl, 0, seen); n = 0; }
      s = Atomics.load(ctl, 0);
    }
    seen = s;
    if (s < 0) break;
    const tag = (s & 0xffffff) << 6;
    for (;;) {
      const v = Atomics.load(ctl, 1);
      if ((v & ~63) !== tag || (v & 63) >= Atomics.load(ctl, 5)) break; // another call, or no chunk left
      if (Atomics.compareExchange(ctl, 1, v, v + 1) !== v) continue;
      // Claimed: the call cannot finish before this chunk is done, so its data stays put.
      const count = ctl[3], at = (v & 63) * argStride;
      argv.length = count;
      for (let i = 0; i < count; i++) argv[i] = f64[at + i];
      try {
        fns[ctl[2]].apply(null, argv);
      } catch (e) {
        ctl[4] = 1;
        post({ error: String(e && e.message || e) });
      }
      Atomics.add(ctl, 6, 1);
      Atomics.notify(ctl, 6);
    }
  }
  post({ stopped: true });
};
if (typeof self === 'object' && self !== null && typeof self.postMessage === 'function') {
  self.onmessage = (e) => start(e.data, (m) => self.postMessage(m));
} else {
  const { parentPort } = require('node:worker_threads');
  parentPort.once('message', (m) => start(m, (r) => parentPort.postMessage(r)));
}
`;
