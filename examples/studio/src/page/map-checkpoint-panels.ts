// The interest map panel (draw the PCA map, overlay the inspected user) and the checkpoint panel
// (save as a download, open a file or a URL; `?checkpoint=URL` opens one when the page loads).
import type { InspectResult, MapData, ModelInfo } from '../protocol.js';
import type { App } from './app.js';
import { $, clearError, h, pct, showError } from './dom.js';
import { categoryColor, drawMap } from './map.js';
import { fillSettings } from './train-panel.js';

export function setupMap(app: App): void {
  const canvas = $<HTMLCanvasElement>('map-canvas');
  app.redrawMap = () => {
    if (!app.map) return;
    const r = app.inspected;
    drawMap(canvas, app.map, r ? {
      interests: r.interests.filter((i) => i.xy).map((i) => ({ k: i.k, xy: i.xy! })),
      history: r.history.map((v) => v.index), recommended: r.merged.map((v) => v.index),
    } : undefined);
    canvas.dataset.interests = String(r?.interests.filter((i) => i.xy).length ?? 0);
  };
  $('map-go').addEventListener('click', async () => {
    clearError();
    $('map-status').textContent = 'projecting the item table…';
    try {
      app.map = await app.client.request<MapData>({ type: 'map' });
      const m = app.map;
      $('map-status').textContent = `${m.items - 1} items on their first two principal components (${pct(m.explained[0])} and ${pct(m.explained[1])} of the variance)`;
      // Re-inspect so the interests get coordinates on this map.
      if (app.inspected) app.inspected = await app.client.request<InspectResult>({ type: 'rerank', lambda: app.inspected.lambda });
      app.redrawMap();
      canvas.dataset.drawn = '1';
      const names = m.categoryNames.slice(0, 24);
      $('map-legend').replaceChildren(
        'Dots: items (colour = category); rings: the user’s history; green squares: recommended; numbered circles: interests. ',
        ...names.map((n, c) => h('span', { style: `color:${categoryColor(c).replace('0.55', '1')}` }, `■ ${n} `)),
      );
    } catch (e) {
      $('map-status').textContent = '';
      showError(e);
    }
  });
}

export function setupCheckpoints(app: App): void {
  const status = $('ck-status');
  $('save').addEventListener('click', async () => {
    clearError();
    try {
      const { bytes, name } = await app.client.request<{ bytes: Uint8Array; name: string }>({ type: 'save' });
      const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
      const a = h('a', { href: url, download: name });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      status.textContent = `saved ${name} (${(bytes.length / 1024).toFixed(0)} KB): open it here again, or use it with mirec recommend --checkpoint ${name}`;
    } catch (e) {
      showError(e);
    }
  });
  const open = async (src: { file?: Blob; url?: string; name: string }) => {
    clearError();
    status.textContent = `opening ${src.name}…`;
    try {
      const r = await app.client.request<{ info: ModelInfo; config: Record<string, unknown>; trainerStep?: number }>({ type: 'loadCheckpoint', ...src });
      fillSettings(r.info.model, r.config);
      $<HTMLButtonElement>('train-resume').disabled = !r.info.resumable;
      app.map = undefined;
      app.sweep = undefined;
      app.inspected = undefined;
      status.textContent = `opened ${src.name}: ${r.info.description}${r.trainerStep !== undefined ? `, trained ${r.trainerStep} steps` : ''}${r.info.vocabMatchesData ? '; same catalogue as the loaded data' : ''}${r.info.resumable ? '; Resume continues its training' : ''}`;
      status.dataset.loaded = src.name;
    } catch (e) {
      status.textContent = '';
      showError(e);
    }
  };
  const file = $<HTMLInputElement>('ck-file');
  file.addEventListener('change', () => { const f = file.files?.[0]; if (f) void open({ file: f, name: f.name }); });
  const fromUrl = (raw: string) => {
    let url: string;
    try {
      url = new URL(raw, location.href).href;
    } catch {
      showError(`not a URL: ${raw}`);
      return;
    }
    void open({ url, name: raw });
  };
  $('ck-url-go').addEventListener('click', () => fromUrl($<HTMLInputElement>('ck-url').value.trim()));
  $('ck-url').addEventListener('keydown', (e) => { if (e.key === 'Enter') $('ck-url-go').click(); });
  const param = new URLSearchParams(location.search).get('checkpoint');
  if (param) {
    $<HTMLInputElement>('ck-url').value = param;
    fromUrl(param);
  }
}
