// Bun server for recommendations (Bun.serve): loads the checkpoint from the path given on the
// command line, then answers GET /recommend?history=ID,ID,...&topN=10 through the shared
// handler. Port: second argument, else $PORT, else 8000; 0 picks a free port. Prints
// `mirec: serving on http://HOST:PORT` once listening.
//   bun examples/bun/server.mjs model.safetensors 8000
import { init, loadRecommender } from 'mirec';
import { handle } from '../shared/handler.mjs';

const [checkpoint, portArg] = Bun.argv.slice(2);
if (!checkpoint) {
  console.error('usage: bun examples/bun/server.mjs CHECKPOINT [PORT]');
  process.exit(2);
}
await init();
const rec = await loadRecommender(checkpoint);
const server = Bun.serve({
  hostname: process.env.HOST ?? '127.0.0.1',
  port: Number(portArg ?? process.env.PORT ?? 8000),
  fetch: (request) => handle(request, () => rec),
});
console.log(`mirec: serving on http://${server.hostname}:${server.port}`);
