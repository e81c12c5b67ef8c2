// Cloudflare Worker serving recommendations: GET /recommend?history=ID,ID,...&topN=10 answers
// { items: [{ item, score }], unknown: [...] } (400 + { error } for a bad history; see handler.mjs).
// The checkpoint is bundled with the Worker as a data module (an ArrayBuffer import), so a
// request never waits on I/O; it is decoded once, on the first request (Workers disallow heavy
// work at module scope). workerd-config.mjs writes the workerd config that embeds it.
import { init, Recommender } from '../../../dist/index.workerd.js';
import checkpoint from './model.safetensors';
import { handle } from './handler.mjs';

let loaded;
const recommender = () => (loaded ??= init().then(() => Recommender.load(new Uint8Array(checkpoint))));

export default {
  fetch: (request) => handle(request, recommender),
};
