// Cloudflare Worker used by the runtime test: GET / runs the probe on the workerd entry of the
// library (wasm imported as a module) and answers with its JSON result.
import * as mirec from './dist/index.workerd.js';
import { stepChecksum } from './step-checksum.mjs';

export default {
  async fetch() {
    try {
      return Response.json(await stepChecksum(mirec));
    } catch (e) {
      return new Response(String(e && e.stack ? e.stack : e), { status: 500 });
    }
  },
};
