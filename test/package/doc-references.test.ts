// Every reference a user can see names something that exists. Scanned: README.md, docs/*.md,
// examples/**/*.md and every file of src/ (help text, printed strings, warnings, errors and the
// TSDoc that becomes the published .d.ts). Checked: each `*.md` document (and its #section, as
// GitHub slugs headings) and each repository path (src/, test/, bench/, docs/, examples/,
// assembly/, .ci/) exists; the team's internal notes (models.md, evaluation.md, performance.md,
// ../shared) are never mentioned.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

function walk(dir: string, keep: (f: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return d.name === 'node_modules' ? [] : walk(p, keep);
    return keep(p) ? [p] : [];
  });
}

const md = (f: string) => f.endsWith('.md');
const FILES = [
  join(ROOT, 'README.md'),
  ...walk(join(ROOT, 'docs'), md),
  ...walk(join(ROOT, 'examples'), md),
  ...walk(join(ROOT, 'src'), (f) => /\.(ts|mts|mjs|js|md)$/.test(f)),
];

/** GitHub's heading anchors of a markdown file. */
function anchors(file: string): Set<string> {
  const out = new Set<string>();
  let fence = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (/^```/.test(line)) fence = !fence;
    const m = !fence && /^#{1,6}\s+(.*)$/.exec(line);
    if (!m) continue;
    let slug = m[1].trim().toLowerCase().replace(/`/g, '').replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const base = slug;
    for (let n = 1; out.has(slug); n++) slug = `${base}-${n}`;
    out.add(slug);
  }
  return out;
}

const INTERNAL = /(?<![\w-])(models|evaluation|performance|architecture|style)\.md\b|\.\.\/shared\b|\/work\/shared|shared\/design/;
const MD_REF = /(?<![\w.\/-])((?:\.\.?\/)*[\w./-]*[\w-]+\.md)(#[\w-]+)?/g;
const REPO_PATH = /(?<![\w.\/@:-])((?:src|test|bench|docs|examples|assembly|\.ci)\/[\w./-]*[\w/])/g;

function resolve(from: string, ref: string): string | null {
  for (const base of [dirname(from), ROOT]) {
    const p = join(base, ref);
    if (existsSync(p)) return p;
  }
  return null;
}

test('no user-visible text mentions the internal design notes or ../shared', () => {
  const bad: string[] = [];
  for (const f of FILES) {
    readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
      if (INTERNAL.test(line)) bad.push(`${relative(ROOT, f)}:${i + 1}: ${line.trim().slice(0, 140)}`);
    });
  }
  assert.equal(bad, [], `internal references:\n${bad.join('\n')}`);
});

test('every *.md document, #section and repository path named in user-visible text exists', () => {
  const bad: string[] = [];
  const cache = new Map<string, Set<string>>();
  for (const f of FILES) {
    readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
      const where = `${relative(ROOT, f)}:${i + 1}`;
      const seen = new Set<string>();
      for (const m of line.matchAll(MD_REF)) {
        const [, ref, hash] = m;
        if (/^https?:|\/\//.test(ref) || ref === 'RESULTS.md' && f.includes('bench')) continue;
        const target = resolve(f, ref);
        if (!target) { bad.push(`${where}: ${ref} does not exist`); seen.add(ref); continue; }
        if (hash && statSync(target).isFile()) {
          if (!cache.has(target)) cache.set(target, anchors(target));
          if (!cache.get(target)!.has(hash.slice(1))) bad.push(`${where}: ${ref}${hash}: no such section`);
        }
      }
      for (const m of line.matchAll(REPO_PATH)) {
        const ref = m[1].replace(/[./]+$/, '');
        // Globs, placeholders, and files of other projects' repositories (Python) are not ours.
        if (/[*<>{}]|\.\.\.|\.py$/.test(ref) || seen.has(ref)) continue;
        if (!existsSync(join(ROOT, ref))) bad.push(`${where}: ${ref} does not exist in the repository`);
      }
    });
  }
  assert.equal(bad, [], `broken references:\n${bad.join('\n')}`);
});

test('README and docs are shipped: package.json "files" holds docs/ and examples/', () => {
  const files = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).files as string[];
  for (const f of ['dist', 'docs', 'examples', 'README.md', 'LICENSE']) assert.ok(files.includes(f), `"files" lacks ${f}`);
});

test.run();
