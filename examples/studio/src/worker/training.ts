// Training in the worker: the model and Trainer built from the settings panel (the CLI's training
// options), the MostPopular baseline on the validation cases, progress posted every few steps with
// validation Recall@50 and HR@50, and stop/resume: the fit awaits a macrotask at every progress
// call so a "stop" message can land, and a stopped fit continues exactly where it left off.
import {
  MostPopular, Trainer, createModel, engine, evaluateRetrieval, recallAt,
  type EvalCases, type RetrievalModel, type RetrievalReport,
} from '../../../../src/index.js';
import { modelSettings, type RetrievalModelName } from '../../../../src/models/registry.js';
import type { Event, ModelInfo, TrainDone, TrainSettings } from '../protocol.js';
import { cases } from './data.js';
import { isRetrieval, state } from './state.js';

/** Per trainer: its validation cases and the last validation report. */
const validCases = new WeakMap<Trainer, EvalCases>();
const reports = new WeakMap<Trainer, RetrievalReport>();

/** A macrotask boundary without the 4 ms clamp of nested timers. */
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();
const tick = () => new Promise<void>((resolve) => { waiting.push(resolve); channel.port2.postMessage(0); });

/** The CLI's model config from the settings: dim, interests, seqLen, seed, alignment, --modelConfig JSON, servingRouting. */
export function modelConfig(s: TrainSettings, items: number): Record<string, unknown> & { items: number } {
  const c: Record<string, unknown> & { items: number } = { items, dim: s.dim, interests: s.interests, seqLen: s.seqLen, seed: s.seed, alignment: s.alignment };
  for (const k of ['dim', 'interests', 'seqLen'] as const) if (!(Number.isInteger(s[k]) && s[k] >= 1)) throw new Error(`${k} must be a whole number ≥ 1, got ${s[k]}`);
  if (s.modelConfig.trim()) {
    let extra: unknown;
    try {
      extra = JSON.parse(s.modelConfig);
    } catch (e) {
      throw new Error(`model settings (JSON): ${(e as Error).message}`);
    }
    if (!extra || typeof extra !== 'object' || Array.isArray(extra)) throw new Error('model settings (JSON) must be an object, e.g. {"mapInit":"glorot"}');
    if ('items' in extra) throw new Error('model settings (JSON) cannot set items (the data decides the catalogue)');
    const known = modelSettings(s.model as RetrievalModelName);
    for (const k of Object.keys(extra)) if (!known.includes(k)) throw new Error(`model settings (JSON): ${s.model} has no setting "${k}" (it has ${known.filter((x) => x !== 'items').join(', ')})`);
    Object.assign(c, extra);
  }
  if (s.model === 'mind') c.servingRouting = s.servingRouting;
  return c;
}

export function modelInfo(): ModelInfo {
  const m = state.model;
  return {
    model: state.modelName ?? '', description: m ? m.toString() : '', items: state.vocab?.size ?? 0,
    trained: !!m, resumable: !!state.trainer || !!state.resumeBytes,
    vocabMatchesData: !!state.data && !!state.vocab && state.data.ds.vocab === state.vocab,
  };
}

export async function train(settings: TrainSettings, resume: boolean, post: (e: Event) => void): Promise<TrainDone> {
  const data = state.data;
  if (!data) throw new Error('load data first (a file or a synthetic preset)');
  if (state.training) throw new Error('training is already running');
  let trainer = resume ? state.trainer : undefined;
  if (!trainer) {
    const model = createModel(settings.model, modelConfig(settings, data.ds.vocab.size)) as RetrievalModel | MostPopular;
    state.model = model;
    state.modelName = settings.model;
    state.vocab = data.ds.vocab;
    state.version++;
    if (!isRetrieval(model)) return mostPopular(model as MostPopular, post);
    const t = new Trainer(model, data.ds, {
      batchSize: settings.batch, lr: settings.lr, seed: settings.seed, maxSteps: settings.maxSteps, protocol: data.protocol,
      profile: settings.profile, evalEvery: settings.evalEvery, patience: settings.patience, progressEvery: 10,
    });
    // Validation as the trainer's own (Recall@50 on the same cases), keeping the whole report
    // so the chart also gets HR@50.
    const valid = cases('valid', model.config.seqLen);
    const task = t.task as unknown as { validate(): { score: number } };
    task.validate = () => {
      const r = evaluateRetrieval(model, valid, { ns: [50] });
      reports.set(t, r);
      return { score: recallAt(r, 50) };
    };
    validCases.set(t, valid);
    if (resume && state.resumeBytes) t.resume(state.resumeBytes, 'the loaded checkpoint');
    state.resumeBytes = undefined;
    trainer = t;
    state.trainer = t;
  }
  const t = trainer;
  const model = t.model as RetrievalModel;
  const valid = validCases.get(t)!;
  const pop = evaluateRetrieval(new MostPopular(model.config.items), valid, { ns: [50] }).rows[0];
  const e = engine();
  post({
    event: 'trainStart',
    start: {
      model: model.toString(), threads: e.threads, threadNote: threadNote(), evalEvery: t.opts.evalEvery, patience: t.opts.patience,
      maxSteps: t.opts.maxSteps, lr: t.opts.lr, baseline: { recall50: pop.recall, hitRate50: pop.hitRate },
    },
  });
  const abort = new AbortController();
  state.abort = abort;
  state.training = true;
  t.opts.onProgress = (p) => {
    state.version++;
    const row = p.valRecall50 !== undefined ? reports.get(t)?.rows[0] : undefined;
    post({ event: 'progress', progress: { ...p, valHitRate50: row?.hitRate } });
    return tick();
  };
  try {
    const r = await t.fitAsync({ signal: abort.signal });
    state.version++;
    const done: TrainDone = { steps: r.steps, stoppedBy: r.stoppedBy, message: r.message, stepsPerSec: r.stepsPerSec, bestRecall50: r.bestRecall50, bestStep: r.bestStep };
    if (r.stoppedBy !== 'stopped') {
      const rep = evaluateRetrieval(model, cases('test', model.config.seqLen), { ns: [20, 50] }).rows;
      done.test = { recall20: rep[0].recall, recall50: rep[1].recall, hitRate50: rep[1].hitRate };
    }
    post({ event: 'trainDone', done, info: modelInfo() });
    return done;
  } finally {
    state.training = false;
    state.abort = undefined;
  }
}

function mostPopular(model: MostPopular, post: (e: Event) => void): TrainDone {
  const valid = cases('valid', 20);
  const row = evaluateRetrieval(model, valid, { ns: [50] }).rows[0];
  const test = evaluateRetrieval(model, cases('test', 20), { ns: [20, 50] }).rows;
  const done: TrainDone = {
    steps: 0, stoppedBy: 'maxSteps', message: 'MostPopular needs no training: it ranks items by training count', stepsPerSec: 0,
    bestRecall50: row.recall, bestStep: 0, test: { recall20: test[0].recall, recall50: test[1].recall, hitRate50: test[1].hitRate },
  };
  post({ event: 'trainDone', done, info: modelInfo() });
  return done;
}

export function stop(): boolean {
  state.abort?.abort();
  return !!state.abort;
}

/** What the page says about cores: how many threads train, and why not more. */
export function threadNote(): string {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const cores = (globalThis.navigator as { hardwareConcurrency?: number } | undefined)?.hardwareConcurrency ?? 1;
  const threads = engine().threads;
  if (!isolated) return `one thread: this page is not cross-origin isolated (serve it with COOP/COEP headers, as \`mirec studio\` does, to train on every core; ${cores} cores here)`;
  return `${threads} thread${threads === 1 ? '' : 's'} (cross-origin isolated, ${cores} cores${threads < cores ? `; capped at ${threads}` : ''})`;
}
