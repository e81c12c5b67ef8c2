// Data panel: drag-and-drop or picked interaction file, synthetic presets, the reading/split
// options, the category/title file, and the statistics table after filtering and splitting.
import type { DataOptions, DataSummary } from '../protocol.js';
import type { App } from './app.js';
import { $, clearError, h, num, showError } from './dom.js';

function options(): DataOptions {
  return {
    format: $<HTMLSelectElement>('format').value, strict: $<HTMLInputElement>('strict').checked, filter: $<HTMLInputElement>('filter').checked,
    minItemCount: Number($<HTMLInputElement>('min-item').value), minUserCount: Number($<HTMLInputElement>('min-user').value),
    splitSeed: Number($<HTMLInputElement>('split-seed').value), protocol: $<HTMLSelectElement>('protocol').value as 'comirec' | 'loo',
  };
}

function render(s: DataSummary): void {
  const row = (k: string, v: string) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, v));
  const reasons = Object.entries(s.read.reasons).map(([r, n]) => `${n} × ${r}`).join('; ');
  const L = s.lengths;
  const c = s.categories;
  $('data-stats').replaceChildren(h('table', { 'aria-label': 'data statistics' },
    row('source', `${s.name} (${s.format})`),
    row('read', `${num(s.read.events)} events${s.read.lines ? ` from ${num(s.read.lines)} lines` : ''}${s.read.skipped ? `; skipped ${num(s.read.skipped)} malformed lines (${reasons})` : ''}${s.read.filtered ? `; ${num(s.read.filtered)} filtered` : ''}`),
    row('after filtering', `${num(s.stats.users)} users, ${num(s.stats.items)} items, ${num(s.stats.events)} events (dropped ${num(s.stats.droppedUsers)} users, ${num(s.stats.droppedItems)} items, ${num(s.stats.droppedEvents)} events)`),
    row('split', s.split.protocol === 'loo'
      ? `leave-one-out: every user trains on all but the last two items; validation on the second last, test on the last`
      : `${num(s.split.train)} train (${num(s.split.trainPool)} with ≥ 5 events), ${num(s.split.valid)} validation, ${num(s.split.test)} test users`),
    row('sequence length', `min ${L.min}, median ${L.median}, mean ${L.mean.toFixed(1)}, p90 ${L.p90}, max ${L.max}`),
    row('categories', c ? `${c.source}: ${c.names} categories${c.titles ? `, ${num(c.titles)} titles` : ''}; ${num(c.uncategorised)} items without one` : 'none (open a category file for titles, Diversity@N and λ)'),
  ));
  const sel = $<HTMLSelectElement>('user');
  sel.replaceChildren(...s.testUsers.map((u) => h('option', { value: u }, u)));
}

export function setupData(app: App): void {
  const load = async (source: { preset: 'tiny' | 'small' | 'medium' } | { file: Blob; name: string }) => {
    clearError();
    $('data-stats').textContent = 'reading…';
    try {
      app.data = await app.client.request<DataSummary>({ type: 'loadData', source, options: options() });
      render(app.data);
      $('data-stats').dataset.loaded = '1';
    } catch (e) {
      $('data-stats').textContent = '';
      showError(e);
    }
  };
  $('load-preset').addEventListener('click', () => void load({ preset: $<HTMLSelectElement>('preset').value as 'tiny' }));
  const input = $<HTMLInputElement>('data-file');
  input.addEventListener('change', () => { const f = input.files?.[0]; if (f) void load({ file: f, name: f.name }); });
  const drop = $('drop');
  drop.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); input.click(); } });
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const f = e.dataTransfer?.files[0];
    if (f) void load({ file: f, name: f.name });
  });
  const cats = $<HTMLInputElement>('cat-file');
  cats.addEventListener('change', async () => {
    const f = cats.files?.[0];
    if (!f) return;
    clearError();
    try {
      const summary = await app.client.request<DataSummary['categories']>({ type: 'loadCategories', file: f, name: f.name });
      if (app.data) render((app.data = { ...app.data, categories: summary }));
      else $('data-stats').textContent = `categories: ${summary!.source}: ${summary!.names} categories, ${summary!.titles} titles`;
    } catch (e) {
      showError(e);
    }
  });
}
