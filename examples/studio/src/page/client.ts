// The page's side of the worker protocol: request() returns a promise per message id; events
// (training progress) go to the listeners.
import type { Event, Request } from '../protocol.js';

export class WorkerClient {
  private next = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private listeners: ((e: Event) => void)[] = [];

  constructor(private readonly worker: Worker) {
    worker.onmessage = (m: MessageEvent) => {
      const d = m.data as { id?: number; ok?: boolean; result?: unknown; error?: string } & Partial<Event>;
      if (d.id === undefined) {
        for (const l of this.listeners) l(d as Event);
        return;
      }
      const p = this.pending.get(d.id);
      this.pending.delete(d.id);
      if (d.ok) p?.resolve(d.result);
      else p?.reject(new Error(d.error));
    };
    worker.onerror = (e) => {
      for (const p of this.pending.values()) p.reject(new Error(`the worker failed: ${e.message}`));
      this.pending.clear();
    };
  }

  request<T>(req: Request): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, req });
    });
  }

  on(listener: (e: Event) => void): void {
    this.listeners.push(listener);
  }
}
