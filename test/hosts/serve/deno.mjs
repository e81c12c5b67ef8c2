// Deno server for recommendations (Deno.serve): loads the checkpoint from the path given on the
// command line, then answers GET /recommend?history=ID,ID,...&topN=10 through handler.mjs.
// Port: second argument, else $PORT, else 8000; 0 picks a free port. Prints one line
// `mirec: serving on http://127.0.0.1:PORT` once listening (the serving test reads it).
//   deno run --allow-read --allow-net --allow-env test/hosts/serve/deno.mjs model.safetensors 8000
import { init, Recommender } from '../../../dist/index.js';
import { handle } from './handler.mjs';

const [checkpoint, portArg] = Deno.args;
if (!checkpoint) {
  console.error('usage: deno run --allow-read --allow-net --allow-env test/hosts/serve/deno.mjs CHECKPOINT [PORT]');
  Deno.exit(2);
}
await init();
const rec = await Recommender.load(await Deno.readFile(checkpoint));
const hostname = Deno.env.get('HOST') ?? '127.0.0.1';
Deno.serve(
  {
    hostname,
    port: Number(portArg ?? Deno.env.get('PORT') ?? 8000),
    onListen: ({ port }) => console.log(`mirec: serving on http://${hostname}:${port}`),
  },
  (request) => handle(request, () => rec),
);
