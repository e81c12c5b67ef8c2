// docs/cli.md against the command registry: a section for every command naming every one of its
// flags, and every `npx mirec …` line of its ```sh blocks parsed against the real option tables
// (a renamed or removed flag breaks this test, not a reader's copy-paste).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from '../../src/cli/registry.js';
import { kebab, parseCommandLine } from '../../src/cli/args.js';

const doc = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'cli.md'), 'utf8');

/** Shell words of one command line: spaces split, single and double quotes group. */
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

test('every command has a section that names each of its flags', () => {
  for (const c of COMMANDS) {
    const start = doc.indexOf(`\n### mirec ${c.name}\n`);
    assert.ok(start >= 0, `docs/cli.md has no section "### mirec ${c.name}"`);
    const end = doc.indexOf('\n### ', start + 1);
    const section = doc.slice(start, end < 0 ? undefined : end);
    for (const key of Object.keys(c.options)) assert.ok(section.includes(`\`--${kebab(key)}\``), `mirec ${c.name}: --${kebab(key)} is not in its docs/cli.md section`);
  }
  assert.not.match(doc, /models\.md|evaluation\.md|performance\.md/);
});

test('every npx mirec line of the sh blocks parses against the option tables', () => {
  const blocks = [...doc.matchAll(/```sh\n([^]*?)```/g)].map((m) => m[1].replace(/\\\n\s*/g, ' '));
  let lines = 0;
  for (const block of blocks) {
    for (const line of block.split('\n').filter((l) => l.startsWith('npx mirec'))) {
      const [, , name, ...rest] = words(line);
      if (name === '--version' || name === '--help' || name === '-h') continue;
      const cmd = COMMANDS.find((c) => c.name === name);
      assert.ok(cmd, `docs/cli.md: unknown command in "${line}"`);
      try {
        parseCommandLine(rest.filter((w) => !w.includes('&&')), cmd!, COMMANDS);
      } catch (e) {
        assert.unreachable(`docs/cli.md: "${line}": ${(e as Error).message}`);
      }
      lines++;
    }
  }
  assert.ok(lines >= 15, `only ${lines} command lines checked`);
});

test.run();
