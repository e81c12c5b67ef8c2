// Entry of the probe for the browser bundle (esbuild --bundle --platform=browser, no other flag):
// writes the probe's JSON into #result and sets data-done.
import { probe } from './probe.mjs';

const out = document.getElementById('result');
probe().then(
  (r) => { out.textContent = JSON.stringify(r); out.dataset.done = '1'; },
  (e) => { out.textContent = `error: ${e && e.stack ? e.stack : e}`; out.dataset.done = '1'; },
);
