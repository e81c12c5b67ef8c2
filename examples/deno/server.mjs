// Deno server for recommendations (Deno.serve): loads the checkpoint from the path given on the
// command line, then answers GET /recommend?history=ID,ID,...&topN=10 through the shared
// handler. Port: second argument, else $PORT, else 8000; 0 picks a free port. Prints
// `mirec: serving on http://HOST:PORT` once listening.
//   deno run --allow-read --allow-net --allow-env examples/deno/server.mjs model.safetensors 8000
// `mirec` resolves from node_modules (npm install mirec; Deno reads package.json) and, under its
// `node` export condition, reads file paths.
import { init, loadRecommender } from 'mirec';
import { handle } from '../shared/handler.mjs';

const [checkpoint, portArg] = Deno.args;
if (!checkpoint) {
  console.error('usage: deno run --allow-read --allow-net --allow-env examples/deno/server.mjs CHECKPOINT [PORT]');
  Deno.exit(2);
}
await init();
const rec = await loadRecommender(checkpoint);
const hostname = Deno.env.get('HOST') ?? '127.0.0.1';
Deno.serve(
  {
    hostname,
    port: Number(portArg ?? Deno.env.get('PORT') ?? 8000),
    onListen: ({ port }) => console.log(`mirec: serving on http://${hostname}:${port}`),
  },
  (request) => handle(request, () => rec),
);
