// Cloudflare Worker for the threaded probe: workerd has no Worker, so asking for 2 threads runs
// one (with one notice) and must give the same checksum as every other host.
import * as mirec from './dist/index.workerd.js';
import { threadChecksum } from './thread-checksum.mjs';

export default {
  async fetch() {
    try {
      return Response.json(await threadChecksum(mirec, { threads: 2 }));
    } catch (e) {
      return new Response(String(e && e.stack ? e.stack : e), { status: 500 });
    }
  },
};
