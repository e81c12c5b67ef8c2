// The source of a kernel worker, as a string so every host can start it without a separate
// file: worker_threads (`eval: true`) in Node, a Blob-URL Web Worker in Deno, Bun and browsers.
// A worker instantiates the kernel module on the shared memory, points its scratch at its own
// block, says ready, then serves calls posted in the shared control block until told to stop.
// Control block per worker (Int32Array, 16 slots): [0] call sequence (-1 = stop), [1] sequence
// done, [2] kernel index, [3] argument count, [4] error flag, [5] sequence claimed; arguments in
// a Float64Array. A posted call is run by whoever claims it first (compare-exchange on [5]): the
// worker, or the caller once its own part is done, so a descheduled worker (a busy machine)
// delays nothing; the parts are the same either way, and so are the bits.

export const WORKER_SOURCE = String.raw`
const start = (msg, post) => {
  const { module, memory, names, control, args, index, scratch, spin } = msg;
  const instance = new WebAssembly.Instance(module, {
    env: { memory, abort(_m, _f, line, col) { throw new Error('mirec kernel aborted at ' + line + ':' + col); } },
  });
  const x = instance.exports;
  x.thread_scratch_set(scratch);
  const fns = names.map((n) => x[n]);
  const ctl = new Int32Array(control);
  const f64 = new Float64Array(args);
  const base = index * 16, abase = index * 32;
  const argv = [];
  post({ ready: true });
  let seen = 0;
  for (;;) {
    let s = Atomics.load(ctl, base);
    for (let n = 0; s === seen; n++) {
      if (n >= spin) { Atomics.wait(ctl, base, seen); n = 0; }
      s = Atomics.load(ctl, base);
    }
    seen = s;
    if (s < 0) break;
    const c = Atomics.load(ctl, base + 5);
    if (c === s || Atomics.compareExchange(ctl, base + 5, c, s) !== c) continue; // the caller took it
    const count = ctl[base + 3];
    argv.length = count;
    for (let i = 0; i < count; i++) argv[i] = f64[abase + i];
    try {
      fns[ctl[base + 2]].apply(null, argv);
    } catch (e) {
      ctl[base + 4] = 1;
      post({ error: String(e && e.message || e) });
    }
    Atomics.store(ctl, base + 1, s);
    Atomics.notify(ctl, base + 1);
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
