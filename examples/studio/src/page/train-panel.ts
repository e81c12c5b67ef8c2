// Train panel: the settings (the CLI's training options), Train / Stop / Resume, live status
// (step, loss, steps/s, ETA, best validation) and the two charts: training loss, and validation
// Recall@50 and HR@50 against MostPopular's.
import type { Event, ModelName, TrainDone, TrainSettings, TrainStart } from '../protocol.js';
import type { App } from './app.js';
import { drawChart } from './chart.js';
import { $, clearError, num, optionalNumber, pct, showError } from './dom.js';

const LR: Record<string, string> = { 'comirec-dr': '5e-3 (model default)' };

export function settings(): TrainSettings {
  const v = (id: string) => $<HTMLInputElement>(id).value;
  return {
    model: v('model') as ModelName, dim: Number(v('dim')), interests: Number(v('interests')), seqLen: Number(v('seq-len')),
    batch: Number(v('batch')), lr: optionalNumber('lr'), seed: Number(v('seed')), profile: v('profile') as 'quick',
    evalEvery: optionalNumber('eval-every'), patience: optionalNumber('patience'), maxSteps: optionalNumber('max-steps'),
    alignment: v('alignment') as 'left', servingRouting: v('serving-routing') as 'fixed', modelConfig: v('model-config'),
  };
}

/** Fill the settings from a checkpoint's model config (so Resume matches it). */
export function fillSettings(model: string, c: Record<string, unknown>): void {
  const set = (id: string, value: unknown) => { if (value !== undefined && value !== null) $<HTMLInputElement>(id).value = String(value); };
  set('model', model);
  set('dim', c.dim);
  set('interests', c.interests);
  set('seq-len', c.seqLen);
  set('seed', c.seed);
  set('alignment', c.alignment);
  if (model === 'mind') set('serving-routing', c.servingRouting);
}

export function setupTrain(app: App): void {
  let loss: [number, number][] = [], recall: [number, number][] = [], hr: [number, number][] = [];
  let start: TrainStart | undefined;
  let frame = 0;
  const draw = () => {
    frame = 0;
    drawChart($('loss-chart') as unknown as SVGSVGElement, [{ name: 'loss', points: loss, color: '#2457c5' }], { xLabel: 'step' });
    const last = Math.max(1, ...recall.map((p) => p[0]), ...loss.map((p) => p[0]));
    const base = start?.baseline;
    drawChart($('valid-chart') as unknown as SVGSVGElement, [
      { name: 'Recall@50', points: recall, color: '#2457c5', markers: true },
      { name: 'HR@50', points: hr, color: '#c25e00', markers: true },
      ...(base ? [
        { name: 'MostPopular R@50', points: [[0, base.recall50], [last, base.recall50]] as [number, number][], color: '#2457c5', dashed: true },
        { name: 'MostPopular HR@50', points: [[0, base.hitRate50], [last, base.hitRate50]] as [number, number][], color: '#c25e00', dashed: true },
      ] : []),
    ], { xLabel: 'step', yFrom0: true });
  };
  const schedule = () => { if (!frame) frame = requestAnimationFrame(draw); };
  const buttons = (running: boolean, resumable: boolean) => {
    $<HTMLButtonElement>('train-go').disabled = running;
    $<HTMLButtonElement>('train-stop').disabled = !running;
    $<HTMLButtonElement>('train-resume').disabled = running || !resumable;
  };
  const status = $('train-status');
  app.client.on((e: Event) => {
    if (e.event === 'trainStart') {
      start = e.start;
      $('threads').textContent = `training on ${e.start.threadNote}`;
      status.textContent = `${e.start.model}: lr ${e.start.lr}, validation every ${num(e.start.evalEvery)} steps, patience ${e.start.patience}; MostPopular validation Recall@50 ${pct(e.start.baseline.recall50)}`;
      schedule();
    } else if (e.event === 'progress') {
      const p = e.progress;
      if (p.valRecall50 === undefined) {
        loss.push([p.step, p.loss]);
        if (loss.length > MAX_POINTS) loss = halve(loss);
      }
      else {
        recall.push([p.step, p.valRecall50]);
        if (p.valHitRate50 !== undefined) hr.push([p.step, p.valHitRate50]);
      }
      const eta = Number.isFinite(p.etaSec) && p.maxSteps < 1e6 ? `, ETA ${fmtTime(p.etaSec)} to step ${num(p.maxSteps)}` : ', runs until validation stops improving';
      status.textContent = `step ${num(p.step)}: loss ${p.loss.toFixed(4)}, ${p.stepsPerSec.toFixed(1)} steps/s${eta}; best validation Recall@50 ${pct(p.bestRecall50 < 0 ? undefined : p.bestRecall50)}${p.bestStep ? ` at step ${num(p.bestStep)}` : ''}`;
      status.dataset.stepsPerSec = p.stepsPerSec.toFixed(2);
      schedule();
    } else if (e.event === 'trainDone') {
      const d = e.done;
      buttons(false, d.stoppedBy === 'stopped');
      const test = d.test ? `; test Recall@50 ${pct(d.test.recall50)}, HR@50 ${pct(d.test.hitRate50)}` : '';
      status.textContent = `${d.message}; ${d.stepsPerSec.toFixed(1)} steps/s${test}`;
      status.dataset.done = d.stoppedBy;
      status.dataset.stepsPerSec = d.stepsPerSec.toFixed(2);
      status.dataset.bestRecall = String(d.bestRecall50);
      status.dataset.baseline = String(start?.baseline.recall50 ?? '');
      schedule();
      app.refreshAfterTraining();
    }
  });
  const run = async (resume: boolean) => {
    clearError();
    if (!resume) { loss = []; recall = []; hr = []; start = undefined; }
    delete status.dataset.done;
    buttons(true, false);
    status.textContent = resume ? 'resuming…' : 'starting…';
    try {
      await app.client.request<TrainDone>({ type: 'train', settings: settings(), resume });
    } catch (e) {
      buttons(false, false);
      status.textContent = '';
      showError(e);
    }
  };
  $('train-go').addEventListener('click', () => void run(false));
  $('train-resume').addEventListener('click', () => void run(true));
  $('train-stop').addEventListener('click', () => void app.client.request({ type: 'stop' }));
  $('model').addEventListener('change', () => {
    const m = $<HTMLSelectElement>('model').value;
    $<HTMLInputElement>('lr').placeholder = LR[m] ?? '1e-3 (model default)';
    if (m === 'youtube-dnn') $<HTMLInputElement>('interests').value = '1';
    else if ($<HTMLInputElement>('interests').value === '1') $<HTMLInputElement>('interests').value = '4';
  });
  $<HTMLInputElement>('lr').placeholder = '1e-3 (model default)';
  draw();
}

/** Points kept on the loss curve; past it, neighbours are averaged in pairs (long runs stay fast to draw). */
const MAX_POINTS = 2000;

function halve(points: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i + 1 < points.length; i += 2) out.push([points[i + 1][0], (points[i][1] + points[i + 1][1]) / 2]);
  if (points.length % 2) out.push(points[points.length - 1]);
  return out;
}

function fmtTime(s: number): string {
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}
