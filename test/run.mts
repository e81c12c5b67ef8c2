// The runner behind `npm test` and the other test scripts: uvu's own run, plus one guard. Once
// the last suite has finished, a handle some test left open (a child process, a worker, a
// socket) would hold the run until CI's time limit; after a grace period the runner names what
// is still open and exits with a failure instead.
import { parse } from 'uvu/parse';
import { run } from 'uvu/run';

const [dir = 'test', pattern = '\\.test\\.ts$'] = process.argv.slice(2);
const GRACE_MS = 20_000;

process.env.FORCE_COLOR ??= '1'; // as uvu's bin does
const { suites } = await parse(dir, pattern, {});
await run(suites, { bail: false });
setTimeout(() => {
  const open = process.getActiveResourcesInfo().filter((r) => r !== 'Timeout');
  process.stderr.write(`\ntest run: the suites finished ${GRACE_MS / 1000} s ago, but ${open.join(', ') || 'something'} still holds the process open (a test left it running)\n`);
  process.exit(1);
}, GRACE_MS).unref();
