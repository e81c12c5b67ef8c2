// The studio page: starts the worker (which owns mirec), says which engine and how many threads
// it got, and wires the panels. Nothing here computes; see ../worker/.
import type { Hello } from '../protocol.js';
import type { App } from './app.js';
import { WorkerClient } from './client.js';
import { $, showError } from './dom.js';
import { setupData } from './data-panel.js';
import { setupTrain } from './train-panel.js';
import { setupInspect } from './inspect-panel.js';
import { setupCheckpoints, setupMap } from './map-checkpoint-panels.js';

// ?threads=N caps the training threads (e.g. 1 to compare with one core); default: every core.
const threads = new URLSearchParams(location.search).get('threads');
const workerUrl = new URL('./worker.js', import.meta.url);
if (threads && /^\d+$/.test(threads)) workerUrl.searchParams.set('threads', threads);
const worker = new Worker(workerUrl, { type: 'module' });
const app: App = { client: new WorkerClient(worker), live: [], redrawMap: () => {}, refreshAfterTraining: () => {} };
setupData(app);
setupTrain(app);
setupInspect(app);
setupMap(app);
setupCheckpoints(app);
app.client.request<Hello>({ type: 'hello' }).then(
  (h) => {
    $('engine').textContent = `engine: ${h.backend}, ${h.threadNote}`;
    $('threads').textContent = `training on ${h.threadNote}`;
    document.body.dataset.ready = '1';
  },
  (e) => showError(e),
);
