// The browser example: bundled into bundle.js with `npx esbuild app.mjs --bundle --platform=browser
// --outfile=bundle.js` (no other flag: the main entry of mirec needs no configuration). Loads the
// checkpoint named by ?model= (default /model.safetensors), then on submit answers the typed
// history through the handler the servers share, and renders the list (or its error). Sets
// body[data-ready] once the model is loaded, and #list[data-done] (with the ignored ids in
// #list[data-unknown], JSON) after each answer.
import { init, loadRecommender } from 'mirec';
import { answer } from '../shared/handler.mjs';

const $ = (id) => document.getElementById(id);
const status = $('status'), error = $('error'), list = $('list');

async function load() {
  const model = new URL(new URLSearchParams(location.search).get('model') ?? '/model.safetensors', location.href);
  await init();
  const rec = await loadRecommender(model);
  status.textContent = `${rec.model} loaded from ${model.pathname}`;
  return rec;
}

function render({ status: code, body }) {
  list.replaceChildren();
  error.textContent = code === 200 ? '' : `error ${code}: ${body.error}`;
  if (code !== 200) return;
  for (const { item, score } of body.items) {
    const li = document.createElement('li');
    li.dataset.item = item;
    li.dataset.score = String(score);
    const name = document.createElement('span');
    name.className = 'item';
    name.textContent = item;
    const s = document.createElement('span');
    s.className = 'score';
    s.textContent = score.toFixed(5);
    li.append(name, s);
    list.append(li);
  }
  status.textContent = body.unknown.length ? `ignored ${body.unknown.length} unknown id(s): ${body.unknown.join(', ')}` : `${body.items.length} recommendations`;
}

load().then(
  (rec) => {
    $('form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      delete list.dataset.done;
      const params = new URLSearchParams({ history: $('history').value, topN: $('topN').value });
      if ($('filterHistory').checked) params.set('filterHistory', '1');
      const res = answer(rec, params);
      render(res);
      list.dataset.unknown = JSON.stringify(res.body.unknown ?? []);
      list.dataset.done = '1';
    });
    $('go').disabled = false;
    document.body.dataset.ready = '1';
  },
  (e) => {
    error.textContent = `model failed to load: ${e && e.message ? e.message : e}`;
    document.body.dataset.ready = 'error';
  },
);
