// docs/cli.md against the command registry: a section for every command naming every one of its
// flags, and every `npx mirec …` line of its ```sh blocks parsed against the real option tables
// (a renamed or removed flag breaks this test, not a reader's copy-paste); every command listed by
// `mirec help` with its summary, a description and an example; the exit-code table as help has it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from '../../src/cli/registry.js';
import { kebab, parseCommandLine } from '../../src/cli/args.js';
import { EXIT_CODE_TABLE, EXIT_CODES, topHelp } from '../../src/cli/help.js';

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

/** The text of `### mirec NAME` up to the next command heading. */
function section(name: string): string {
  const start = doc.indexOf(`\n### mirec ${name}\n`);
  assert.ok(start >= 0, `docs/cli.md has no section "### mirec ${name}"`);
  const end = doc.indexOf('\n### ', start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
}

test('every command of `mirec help` has a complete section: summary, description, example, usage, flags', () => {
  const listed = [...topHelp(COMMANDS).matchAll(/^  ([a-z-]+)  +(.+)$/gm)].filter((m) => COMMANDS.some((c) => c.name === m[1]));
  assert.is(listed.length, COMMANDS.length, 'mirec help lists every command');
  const sections = [...doc.matchAll(/^### mirec ([a-z-]+)$/gm)].map((m) => m[1]);
  assert.equal(sections, COMMANDS.map((c) => c.name), 'docs/cli.md has one section per command, in help order');
  for (const [, name, summary] of listed) {
    const text = section(name);
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    // The first line after the heading is the summary of `mirec help`, capitalised.
    assert.is(lines[1].toLowerCase(), `${summary.trim()}.`.toLowerCase(), `mirec ${name}: summary`);
    // A description paragraph beyond the summary, an example that runs the command, the usage line.
    const prose = text.replace(/```[^]*?```/g, '').split('\n').filter((l) => l.trim() !== '' && !/^[|#-]/.test(l) && l !== lines[1]).join(' ');
    assert.ok(prose.length >= 80, `mirec ${name}: no description paragraph in docs/cli.md`);
    assert.match(text, new RegExp(`\`\`\`sh\\n(?:.*\\n)*?npx mirec ${name}\\b`), `mirec ${name}: no \`npx mirec ${name}\` example`);
    assert.match(text, new RegExp(`\`\`\`text\\nmirec ${name}\\b`), `mirec ${name}: no usage line`);
  }
});

test('the exit codes: docs/cli.md tabulates what mirec help prints', () => {
  const rows = [...doc.slice(doc.indexOf('## Exit codes')).matchAll(/^\| (\d+) \| (.+) \|$/gm)].map((m) => ({ code: Number(m[1]), meaning: m[2] }));
  assert.equal(rows, EXIT_CODE_TABLE.map(({ code, meaning }) => ({ code, meaning })));
  for (const e of EXIT_CODE_TABLE) assert.match(EXIT_CODES, new RegExp(`^  ${e.code} +${e.short.replace(/[()]/g, '\\$&')}$`, 'm'));
  assert.ok(topHelp(COMMANDS).includes(EXIT_CODES));
});

test.run();
