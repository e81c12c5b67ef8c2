// A Cloudflare Worker serving a catalogue far larger than its 128 MB through a partitioned IVF
// index: on the first request it reads only the head of the index file (header, centroids, list
// directory) from INDEX_URL; each query fetches just the lists its interests probe (HTTP Range
// requests streamed into reused buffers, FETCH_CONCURRENCY at once, each list scored as it lands)
// into a byte-bounded LRU cache (CACHE_MB); MAX_QUERY_MB caps the list bytes one query may probe
// (past it the lowest-ranked probes are dropped; unset = no cap). The caller sends interest
// vectors that an offline job published (`mirec embed-users`): POST /search {"vectors": [[...D],
// ...K], "topN", "nprobe", "exclude"} answers {"items": [item index...], "scores": [...], "stats"}.
import { init, RemoteIvfIndex, httpRangeSource } from 'mirec';

let ready;
const options = (env) => ({
  cacheBytes: Number(env.CACHE_MB ?? 32) * 1048576,
  fetchConcurrency: Number(env.FETCH_CONCURRENCY ?? 4),
  maxQueryBytes: env.MAX_QUERY_MB ? Number(env.MAX_QUERY_MB) * 1048576 : undefined,
});
const open = (env) => (ready ??= init().then((engine) => RemoteIvfIndex.open(engine, httpRangeSource(env.INDEX_URL), options(env))));

const json = (body, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    let index;
    try {
      index = await open(env);
    } catch (e) {
      ready = undefined; // retry on the next request
      return json({ error: `index: ${e.message}` }, 502);
    }
    if (url.pathname === '/stats') return json(stats(index));
    if (url.pathname !== '/search' || request.method !== 'POST') return json({ error: 'POST /search {"vectors": [[...], ...]} or GET /stats' }, 404);
    let body;
    try {
      body = await request.json();
    } catch {
      return json({ error: 'body: not JSON' }, 400);
    }
    const rows = body?.vectors;
    const D = index.dim;
    if (!Array.isArray(rows) || rows.length === 0 || rows.length > 64 || rows.some((r) => !Array.isArray(r) || r.length !== D || r.some((v) => typeof v !== 'number' || !Number.isFinite(v)))) {
      return json({ error: `vectors: expected 1 to 64 arrays of ${D} finite numbers` }, 400);
    }
    const topN = body.topN ?? 10, nprobe = body.nprobe;
    if (!Number.isInteger(topN) || topN < 1 || topN > 1000) return json({ error: 'topN: expected an integer in 1..1000' }, 400);
    if (nprobe !== undefined && (!Number.isInteger(nprobe) || nprobe < 1 || nprobe > index.lists)) return json({ error: `nprobe: expected an integer in 1..${index.lists}` }, 400);
    const exclude = Array.isArray(body.exclude) && body.exclude.every(Number.isInteger) ? [body.exclude] : undefined;
    try {
      const [r] = await index.search({ vectors: Float32Array.from(rows.flat()), interests: rows.length }, { topN, nprobe, exclude });
      return json({ items: Array.from(r.ids), scores: Array.from(r.scores), stats: stats(index) });
    } catch (e) {
      return json({ error: e.message }, 502);
    }
  },
};

function stats(index) {
  return { items: index.size, lists: index.lists, ...index.stats, cachedBytes: index.cachedBytes, wasmMemory: index.engine.memory().total };
}
