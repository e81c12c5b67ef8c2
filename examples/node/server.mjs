// Node server for recommendations (node:http, Node ≥ 18): loads the checkpoint from the path
// given on the command line, then answers GET /recommend?history=ID,ID,...&topN=10 through the
// shared Web-standard handler (each request becomes a fetch Request, each Response is written
// back). Port: second argument, else $PORT, else 8000; 0 picks a free port. Prints
// `mirec: serving on http://HOST:PORT` once listening.
//   node examples/node/server.mjs model.safetensors 8000
import { createServer } from 'node:http';
import { init, loadRecommender } from 'mirec';
import { handle } from '../shared/handler.mjs';

const [checkpoint, portArg] = process.argv.slice(2);
if (!checkpoint) {
  console.error('usage: node examples/node/server.mjs CHECKPOINT [PORT]');
  process.exit(2);
}
await init();
const rec = await loadRecommender(checkpoint);
const hostname = process.env.HOST ?? '127.0.0.1';

const server = createServer(async (req, res) => {
  const request = new Request(new URL(req.url ?? '/', `http://${req.headers.host ?? hostname}`), { method: req.method });
  const response = await handle(request, () => rec);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
});
server.listen(Number(portArg ?? process.env.PORT ?? 8000), hostname, () => {
  console.log(`mirec: serving on http://${hostname}:${server.address().port}`);
});
