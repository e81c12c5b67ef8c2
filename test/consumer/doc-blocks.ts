// Extracts the ```ts blocks of README.md and docs/*.md for the consumer test. The info string
// may carry attributes after `ts`, which say how the test runs the block:
//   ```ts                         a complete program: type-checked, then run in Node
//   ```ts needs=model.safetensors run next to a retrieval checkpoint of the synthetic data
//   ```ts needs=server             run while examples/node/server.mjs serves on $MIREC_URL
//   ```ts typecheck-only           type-checked only (code for another host: Worker, Deno, page)
// Every block is type-checked with tsc --strict, lib ES2022 and no type packages.

export interface DocBlock {
  /** e.g. README.md#3 (the 1-based index among the file's ts blocks). */
  id: string;
  file: string;
  line: number;
  code: string;
  needs: string[];
  run: boolean;
}

const FENCE = /^```ts(?:\s+(.*))?$/;

/** The ts blocks of one markdown text. */
export function docBlocks(file: string, text: string): DocBlock[] {
  const lines = text.split('\n');
  const out: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = FENCE.exec(lines[i].trimEnd());
    if (!m) continue;
    const attrs = (m[1] ?? '').split(/\s+/).filter(Boolean);
    const unknown = attrs.filter((a) => a !== 'typecheck-only' && !/^needs=(model\.safetensors|server)$/.test(a));
    if (unknown.length) throw new Error(`${file}:${i + 1}: unknown ts block attribute(s) ${unknown.join(' ')}`);
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end].trim() !== '```') end++;
    if (end === lines.length) throw new Error(`${file}:${i + 1}: unterminated ts block`);
    out.push({
      id: `${file}#${out.length + 1}`,
      file,
      line: i + 1,
      code: lines.slice(start, end).join('\n') + '\n',
      needs: attrs.filter((a) => a.startsWith('needs=')).map((a) => a.slice(6)),
      run: !attrs.includes('typecheck-only'),
    });
    i = end;
  }
  return out;
}
