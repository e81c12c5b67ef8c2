// Bun server for recommendations (Bun.serve): loads the checkpoint from the path given on the
// command line, then answers GET /recommend?history=ID,ID,...&topN=10 through handler.mjs.
// Port: second argument, else $PORT, else 8000; 0 picks a free port. Prints one line
// `mirec: serving on http://127.0.0.1:PORT` once listening (the serving test reads it).
//   bun test/hosts/serve/bun.mjs model.safetensors 8000
import { init, Recommender } from '../../../dist/index.js';
import { handle } from './handler.mjs';

const [checkpoint, portArg] = Bun.argv.slice(2);
if (!checkpoint) {
  console.error('usage: bun test/hosts/serve/bun.mjs CHECKPOINT [PORT]');
  process.exit(2);
}
await init();
const rec = await Recommender.load(await Bun.file(checkpoint).bytes());
const server = Bun.serve({
  hostname: process.env.HOST ?? '127.0.0.1',
  port: Number(portArg ?? process.env.PORT ?? 8000),
  fetch: (request) => handle(request, () => rec),
});
console.log(`mirec: serving on http://${server.hostname}:${server.port}`);
