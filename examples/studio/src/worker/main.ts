// The studio's Web Worker: loads the engine (every core when the page is cross-origin isolated),
// then answers the page's requests one message at a time; errors go back as messages, never as
// an uncaught exception. See ../protocol.ts for the messages.
import { engine, init } from '../../../../src/index.js';
import type { Event, Hello, Request } from '../protocol.js';
import { categorySummary, loadCategories, loadData } from './data.js';
import { inspect, map, rerank, sweep } from './inspect.js';
import { loadCheckpoint, save } from './checkpoint.js';
import { stop, threadNote, train } from './training.js';

const scope = self as unknown as { postMessage(m: unknown, transfer?: Transferable[]): void; onmessage: ((e: MessageEvent) => void) | null };
const post = (e: Event) => scope.postMessage(e);

// Every core (capped by the library) when the page is cross-origin isolated, else one thread;
// the page's ?threads=N lowers that.
const ready = (async () => {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const asked = Number(new URLSearchParams(self.location.search).get('threads'));
  await init(isolated ? { threads: asked >= 1 ? asked : 'auto' } : {});
})();

async function handle(req: Request): Promise<{ result: unknown; transfer?: Transferable[] }> {
  await ready;
  switch (req.type) {
    case 'hello': {
      const e = engine();
      const cores = navigator.hardwareConcurrency ?? 1;
      const hello: Hello = { backend: e.backend, crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true, cores, threads: e.threads, threadNote: threadNote() };
      return { result: hello };
    }
    case 'loadData':
      return { result: await loadData(req.source, req.options) };
    case 'loadCategories':
      await loadCategories(req.file, req.name);
      return { result: categorySummary() };
    case 'train':
      return { result: await train(req.settings, req.resume, post) };
    case 'stop':
      return { result: stop() };
    case 'inspect':
      return { result: inspect(req) };
    case 'rerank':
      return { result: rerank(req.lambda) };
    case 'sweep':
      return { result: sweep(req.n, req.lambda) };
    case 'map': {
      const m = map();
      return { result: m };
    }
    case 'save': {
      const s = save();
      return { result: s, transfer: [s.bytes.buffer as ArrayBuffer] };
    }
    case 'loadCheckpoint':
      return { result: await loadCheckpoint(req) };
    default:
      throw new Error(`unknown request ${(req as { type: string }).type}`);
  }
}

scope.onmessage = (m: MessageEvent) => {
  const { id, req } = m.data as { id: number; req: Request };
  handle(req).then(
    ({ result, transfer }) => scope.postMessage({ id, ok: true, result }, transfer ?? []),
    (e: unknown) => scope.postMessage({ id, ok: false, error: e instanceof Error ? e.message : String(e) }),
  );
};
