// `mirec studio`: serve the studio page (examples/studio, built by npm run build) on loopback and
// print its address; runs until interrupted. With --checkpoint the page opens that model.
import { UsageError } from '../args.js';
import { defineCommand } from '../command.js';
import { startStudioServer } from '../studio-server.js';

export const studio = defineCommand({
  name: 'studio',
  summary: 'train, inspect and tune models in a browser tab (serves the studio on 127.0.0.1)',
  usage: '[--port 8765] [--checkpoint FILE]',
  options: {
    port: { type: 'number', value: 'N', integer: true, min: 0, default: '8765', help: 'port on 127.0.0.1 (0: any free port)' },
    checkpoint: { type: 'string', value: 'FILE', help: 'a checkpoint the page opens on load (served at /checkpoint.safetensors)' },
  },
  details: 'Open the printed address in a browser. The page is cross-origin isolated, so training uses every core (up to 4).\nStop with Ctrl-C. Any static host serves examples/studio too (see docs/studio.md).',
  engine: false,
  async run(o) {
    if (o.port !== undefined && o.port > 65535) throw new UsageError(`--port ${o.port}: expected 0..65535`);
    const server = await startStudioServer({ port: o.port ?? 8765, checkpoint: o.checkpoint }).catch((e: Error) => {
      throw new UsageError(e.message);
    });
    const url = o.checkpoint ? `${server.url}?checkpoint=checkpoint.safetensors` : server.url;
    process.stdout.write(`mirec studio: ${url}\n`);
    process.stderr.write('mirec studio: serving on loopback only; Ctrl-C stops it\n');
    await new Promise<void>((done) => {
      const stop = () => void server.close().then(done);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
});
