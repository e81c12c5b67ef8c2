// Starting kernel workers on each host: Node's worker_threads (Node has no Web Worker), the Web
// Worker global elsewhere (Deno, Bun, browsers) from a Blob URL. Says why a host gets one
// thread: no SharedArrayBuffer (workerd, pages that are not cross-origin isolated) or no Worker.
// Node's workers come from node-workers.ts, which `mirec/node` (and the `node` export condition
// of `mirec`) installs here, so the main entry imports no node: module.
import { WORKER_SOURCE } from './worker-source.js';

/** Node's side of the workers: worker_threads and the core count (node-workers.ts). */
export interface NodeWorkers {
  spawn(source: string): WorkerHandle;
  cores(): number;
}

let nodeWorkers: NodeWorkers | null = null;

/** Install Node's worker_threads (done by `mirec/node`). */
export function setNodeWorkers(workers: NodeWorkers | null): void {
  nodeWorkers = workers;
}

/** A started worker: post its start message, hear its replies, stop it. */
export interface WorkerHandle {
  post(msg: unknown): void;
  onMessage(fn: (msg: { ready?: boolean; error?: string; stopped?: boolean }) => void): void;
  /** Once started, stop holding the host open: kernels are then awaited with Atomics, not messages. */
  release(): void;
  terminate(): void;
}

type G = typeof globalThis & {
  crossOriginIsolated?: boolean;
  process?: { versions?: { node?: string; bun?: string }; getBuiltinModule?: (n: string) => unknown };
  Deno?: unknown;
};

/** Why this host cannot run kernel workers, or null when it can. */
export function threadsUnavailable(): string | null {
  const g = globalThis as G;
  if (typeof SharedArrayBuffer !== 'function') {
    return g.crossOriginIsolated === false
      ? 'this page is not cross-origin isolated (SharedArrayBuffer needs COOP/COEP headers)'
      : 'this host has no SharedArrayBuffer';
  }
  if (typeof Atomics !== 'object' || typeof Atomics.wait !== 'function') return 'this host has no Atomics.wait';
  const node = isNodeLike();
  if (node && !nodeWorkers) return "Node's worker_threads come with 'mirec/node' (or 'mirec' under its node export condition)";
  if (!node && typeof g.Worker !== 'function') return 'this host has no Worker';
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch {
    return 'this host cannot create shared WebAssembly memory';
  }
  return null;
}

/** Node (and not Deno or Bun, which have Web Workers). */
function isNodeLike(): boolean {
  const g = globalThis as G;
  return !!g.process?.versions?.node && !g.process.versions.bun && g.Deno === undefined && typeof g.Worker !== 'function';
}

/** Start one kernel worker. */
export async function spawnWorker(): Promise<WorkerHandle> {
  if (isNodeLike()) {
    if (!nodeWorkers) throw new Error(`mirec: ${threadsUnavailable()}`);
    return nodeWorkers.spawn(WORKER_SOURCE);
  }
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  const w = new Worker(url, { type: 'module' });
  return {
    post: (m) => w.postMessage(m),
    onMessage: (fn) => w.addEventListener('message', (e) => fn((e as MessageEvent).data)),
    release: () => (w as unknown as { unref?: () => void }).unref?.(), // Bun (and Deno) have unref
    terminate: () => {
      w.terminate();
      URL.revokeObjectURL(url);
    },
  };
}

/** Cores this host reports (1 when it does not say). */
export async function hostCores(): Promise<number> {
  const g = globalThis as G & { navigator?: { hardwareConcurrency?: number } };
  if (isNodeLike() && nodeWorkers) return Math.max(1, nodeWorkers.cores());
  return Math.max(1, g.navigator?.hardwareConcurrency ?? 1);
}
