// Side-effect import for tests that read or write paths, or start Node worker threads, through
// the library modules directly: installs the Node host (what `mirec/node` and the CLI do).
import { installNodeHost } from '../../src/io/node-host.js';

installNodeHost();
