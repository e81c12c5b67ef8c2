// Inspect and aggregation panels: a test user or a typed history; the history, one panel per
// interest (the history items it draws on, as bars, and its top items), the merged top-N with
// held-out hits marked; the λ slider re-ranking that list live, and the sweep chart of
// Recall@N / Diversity@N of the test users with the slider's points on it.
import type { InspectResult, ItemView, Sweep, SweepPoint } from '../protocol.js';
import type { App } from './app.js';
import { drawChart } from './chart.js';
import { $, clearError, h, pct, showError } from './dom.js';

const WEIGHT_NAMES: Record<InspectResult['weightKind'], string> = {
  attention: 'self-attention weight', routing: 'routing coefficient', assignment: 'intention assignment P(k | t)', mean: 'mean-pooling weight', none: '',
};

/** History items listed per interest (the largest weights). */
const TOP_WEIGHTS = 6;

const itemLabel = (v: ItemView) => v.title ? `${v.title} (${v.id})` : v.id;

function item(v: ItemView, extra?: string): HTMLLIElement {
  return h('li', { 'data-item': v.id, 'data-score': v.score, 'data-category': v.category, class: v.hit ? 'hit' : undefined }, itemLabel(v), v.category ? h('span', { class: 'cat' }, ` · ${v.category}`) : null, extra ? h('span', { class: 'cat' }, ` ${extra}`) : null);
}

function renderMerged(r: InspectResult): HTMLElement {
  return h('div', {}, h('h3', {}, `Merged top-${r.topN}${r.lambda > 0 ? ` (λ = ${r.lambda})` : ''}`),
    h('ol', { id: 'merged', class: 'list', 'data-lambda': r.lambda, 'data-hits': r.hits }, ...r.merged.map((v) => item(v, v.score !== undefined ? v.score.toFixed(3) : undefined))));
}

function render(r: InspectResult): void {
  const weightName = WEIGHT_NAMES[r.weightKind];
  const panels = r.interests.map((it) => {
    // The history items this interest draws on most (all of them for short histories).
    const order = it.weights.map((w, t) => t).sort((a, b) => it.weights[b] - it.weights[a] || b - a).slice(0, TOP_WEIGHTS);
    const max = Math.max(1e-12, ...it.weights);
    const rows = order.flatMap((t) => {
      const v = r.history[t];
      return [
        h('span', { title: itemLabel(v) }, `${t + 1}. ${v.title ? v.title.slice(0, 24) : v.id}`),
        h('div', { class: 'bar', style: `width:${Math.round((90 * it.weights[t]) / max)}px`, role: 'presentation' }),
        h('span', {}, it.weights[t].toFixed(2)),
      ];
    });
    const extra = it.prototype !== undefined ? ` · prototype ${it.prototype}, aggregation weight ${it.aggregation?.toFixed(2)}` : '';
    return h('div', { class: `panel${it.active ? '' : ' inactive'}`, 'data-interest': it.k, role: 'group', 'aria-label': `interest ${it.k + 1}` },
      h('h3', {}, `Interest ${it.k + 1}${it.active ? '' : ' (inactive)'}${extra}`),
      it.active ? h('div', { class: 'weights', 'aria-label': `the history items with the largest ${weightName} (number = position in the history)` }, ...rows) : h('p', { class: 'hint' }, 'not used for this history length (MIND’s adaptive K)'),
      it.active ? h('ol', { class: 'list' }, ...it.top.map((v) => item(v, v.score?.toFixed(3)))) : null);
  });
  const heading = r.user !== undefined ? `User ${r.user}: ${r.hits} of ${r.heldOut.length} held-out items in the top-${r.topN}` : `Typed history${r.unknown.length ? ` (ignored unknown ids: ${r.unknown.join(', ')})` : ''}`;
  $('inspect-out').replaceChildren(
    h('p', { id: 'inspect-summary' }, `${r.model} · ${heading}`),
    panels.length ? h('div', {}, h('h3', {}, `Interests: the history items each draws on most (${weightName}; number = position in the history) and its top items`), h('div', { class: 'interests', id: 'interest-panels' }, ...panels)) : h('p', { class: 'hint' }, `${r.model} has no interests to show; its list is below.`),
    h('div', { class: 'cols' },
      h('div', {}, h('h3', {}, `History (${r.history.length} items, oldest first)`), h('ol', { class: 'list', id: 'history-list' }, ...r.history.map((v) => item(v)))),
      h('div', { id: 'merged-box' }, renderMerged(r)),
      h('div', {}, h('h3', {}, 'Held-out next items'), r.heldOut.length ? h('ol', { class: 'list', id: 'held-out' }, ...r.heldOut.map((v) => item(v))) : h('p', { class: 'hint' }, 'only test users have held-out items'))),
  );
  $('inspect-out').dataset.interests = String(r.interests.filter((i) => i.active).length);
}

export function setupInspect(app: App): void {
  const lambda = () => Number($<HTMLInputElement>('lambda').value);
  const show = (r: InspectResult) => { app.inspected = r; render(r); app.redrawMap(); };
  const ask = async (req: { user?: string; history?: string[] }) => {
    clearError();
    try {
      show(await app.client.request<InspectResult>({ type: 'inspect', ...req, topN: Number($<HTMLInputElement>('top-n').value), lambda: lambda() }));
    } catch (e) {
      showError(e);
    }
  };
  $('inspect-user').addEventListener('click', () => void ask({ user: $<HTMLSelectElement>('user').value }));
  $('inspect-history').addEventListener('click', () => void ask({ history: $<HTMLInputElement>('history').value.split(/[\s,;]+/).filter(Boolean) }));
  $('history').addEventListener('keydown', (e) => { if (e.key === 'Enter') $('inspect-history').click(); });

  // λ: re-rank the inspected list at once, measure the sweep point when the slider rests.
  let busy = false, again = false, timer = 0;
  const rerank = async () => {
    if (busy) { again = true; return; }
    busy = true;
    try {
      $('lambda-out').textContent = String(lambda());
      if (app.inspected) {
        const r = await app.client.request<InspectResult>({ type: 'rerank', lambda: lambda() });
        app.inspected = r;
        $('merged-box').replaceChildren(renderMerged(r));
        app.redrawMap();
      }
    } catch (e) {
      showError(e);
    } finally {
      busy = false;
      if (again) { again = false; void rerank(); }
    }
  };
  $('lambda').addEventListener('input', () => {
    clearError();
    void rerank();
    clearTimeout(timer);
    timer = window.setTimeout(() => void measure(lambda()), 250);
  });
  const measure = async (l?: number) => {
    if (!app.sweep && l !== undefined) return;
    try {
      const s = await app.client.request<Sweep & { current?: SweepPoint }>({ type: 'sweep', n: Number($<HTMLInputElement>('sweep-n').value), lambda: l });
      if (!app.sweep || app.sweep.lambdaMax !== s.lambdaMax || app.sweep.n !== s.n) {
        app.live = [];
        const slider = $<HTMLInputElement>('lambda');
        slider.max = String(Number(s.lambdaMax.toPrecision(3)));
        slider.step = String(Number((s.lambdaMax / 100).toPrecision(2)));
      }
      app.sweep = s;
      if (s.current) app.live.push(s.current);
      drawSweep(app);
      $('sweep-status').textContent = `${s.users} test users, N = ${s.n}; λ from 0 to ${s.lambdaMax.toPrecision(3)} (the median gap between a user's first and N-th score)${s.current ? `; at λ = ${s.current.lambda}: Recall@${s.n} ${pct(s.current.recall)}, Diversity@${s.n} ${pct(s.current.diversity)}` : ''}`;
    } catch (e) {
      showError(e);
    }
  };
  $('sweep-go').addEventListener('click', () => { clearError(); void measure(); });
  app.refreshAfterTraining = () => {
    app.sweep = undefined;
    app.live = [];
    if (app.data?.categories) void measure();
  };
  drawSweep(app);
}

function drawSweep(app: App): void {
  const s = app.sweep;
  const pts = (key: 'recall' | 'diversity', from: SweepPoint[]) => from.map((p) => [p.lambda, p[key]] as [number, number]);
  drawChart($('sweep-chart') as unknown as SVGSVGElement, s ? [
    { name: `Recall@${s.n}`, points: pts('recall', s.points), color: '#2457c5' },
    { name: `Diversity@${s.n}`, points: pts('diversity', s.points), color: '#c25e00', dashed: true },
    { name: 'at the slider: recall', points: pts('recall', app.live), color: '#2457c5', markers: true, line: false },
    { name: 'at the slider: diversity', points: pts('diversity', app.live), color: '#c25e00', markers: true, line: false },
  ] : [], { xLabel: 'λ', yFrom0: true });
}
