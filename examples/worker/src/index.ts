// Cloudflare Worker serving recommendations: GET /recommend?history=ID,ID,...&topN=10 answers
// { items: [{ item, score }], unknown: [...] } (400 + { error } for a bad history; see
// ../../shared/handler.mjs). The checkpoint is bundled with the Worker as a Data module (the
// [[rules]] of wrangler.toml), so a request never waits on storage; it is decoded once, on the
// first request, because Workers disallow heavy work at module scope.
import { init, Recommender } from 'mirec';
import checkpoint from '../model.safetensors';
import { handle } from '../../shared/handler.mjs';

let loaded: Promise<Recommender> | undefined;
const recommender = (): Promise<Recommender> =>
  (loaded ??= init().then(() => Recommender.load(new Uint8Array(checkpoint))));

export default {
  fetch: (request: Request): Promise<Response> => handle(request, recommender),
};
