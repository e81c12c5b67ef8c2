// One shard Worker: holds an item-range slice of the catalogue as an IVF index file (bundled as
// the data module "shard.ivf", written by `mirec index --shards S`; every shard shares the
// centroids, so each probes exactly the lists one whole index would). POST /interests with
// {"vectors", "topN", "nprobe", "exclude"} answers each interest's best items of this slice.
import { init, decodeIvf } from 'mirec';
import shardBytes from 'shard.ivf';

let ready;
const open = () => (ready ??= init().then((engine) => decodeIvf(new Uint8Array(shardBytes), engine, 'shard.ivf')));

export default {
  async fetch(request) {
    const index = await open();
    if (new URL(request.url).pathname === '/stats') return Response.json({ items: index.size, lists: index.lists });
    const body = await request.json();
    const lists = index.searchInterests({ vectors: Float32Array.from(body.vectors.flat()), interests: body.vectors.length }, { topN: body.topN, nprobe: body.nprobe, exclude: body.exclude ? [body.exclude] : undefined })[0];
    return Response.json(lists.map((l) => ({ ids: Array.from(l.ids), scores: Array.from(l.scores) })));
  },
};
