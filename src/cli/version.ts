// The library version, read once from package.json (two folders up from both src/cli and
// dist/cli), for `mirec --version` and run reports.
import { readFileSync } from 'node:fs';

export const LIBRARY_VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
})();
