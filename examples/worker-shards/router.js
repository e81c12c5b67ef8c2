// The router Worker: POST /search {"vectors": [[...D], ...K], "topN", "nprobe", "exclude"} is
// fanned out to every shard Worker over service bindings (SHARD_0 … SHARD_{n−1}, n = SHARDS),
// and their per-interest lists are merged per interest, then by max over interests
// (mergeShardInterests): the same answer as one index over the whole catalogue.
import { mergeShardInterests } from 'mirec';

const json = (body, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

export default {
  async fetch(request, env) {
    const n = Number(env.SHARDS);
    const shards = Array.from({ length: n }, (_, s) => env[`SHARD_${s}`]);
    const url = new URL(request.url);
    if (url.pathname === '/stats') return json({ shards: await Promise.all(shards.map(async (s) => (await s.fetch('http://shard/stats')).json())) });
    if (url.pathname !== '/search' || request.method !== 'POST') return json({ error: 'POST /search or GET /stats' }, 404);
    let body;
    try {
      body = await request.json();
    } catch {
      return json({ error: 'body: not JSON' }, 400);
    }
    if (!Array.isArray(body?.vectors) || body.vectors.length === 0) return json({ error: 'vectors: expected an array of interest vectors' }, 400);
    const topN = body.topN ?? 10;
    const parts = await Promise.all(shards.map(async (s, i) => {
      const r = await s.fetch('http://shard/interests', { method: 'POST', body: JSON.stringify({ ...body, topN }) });
      if (!r.ok) throw new Error(`shard ${i}: HTTP ${r.status}`);
      return (await r.json()).map((l) => ({ ids: Int32Array.from(l.ids), scores: Float64Array.from(l.scores) }));
    }));
    const merged = mergeShardInterests(parts, topN);
    return json({ items: Array.from(merged.ids), scores: Array.from(merged.scores) });
  },
};
