// Kernel workers on Node's worker_threads and Node's core count, installed into spawn.ts by
// `mirec/node` (io/node-host.ts). Only Node needs this: Deno, Bun and pages have Web Workers.
import { Worker } from 'node:worker_threads';
import { availableParallelism, cpus } from 'node:os';
import type { NodeWorkers } from './spawn.js';

export const nodeWorkers: NodeWorkers = {
  spawn(source: string) {
    const w = new Worker(source, { eval: true });
    return {
      post: (m) => w.postMessage(m),
      onMessage: (fn) => w.on('message', fn),
      // After start-up an idle kernel worker must not keep the process alive. unref() after the
      // 'message' listener: adding one refs the worker's port again.
      release: () => w.unref(),
      terminate: () => void w.terminate(),
    };
  },
  cores: () => (typeof availableParallelism === 'function' ? availableParallelism() : cpus().length),
};
