// The op table (src/ops/index.ts) is the truth: every differentiable op exported there has a row
// naming its kernels and gradient, and no row names an op that is not exported.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ops from '../../src/ops/index.js';

/** Exports that are not ops: the table itself. */
const NOT_OPS = new Set(['OP_TABLE']);

test('every exported op has a row in OP_TABLE, and every row is an exported op', () => {
  const exported = Object.keys(ops).filter((k) => !NOT_OPS.has(k)).sort();
  const listed = ops.OP_TABLE.flatMap((r) => r.op.split(' / ').map((s) => s.trim())).sort();
  assert.equal(exported.filter((k) => !listed.includes(k)), [], 'exported ops missing from OP_TABLE');
  assert.equal(listed.filter((k) => !exported.includes(k)), [], 'OP_TABLE rows naming no exported op');
  for (const r of ops.OP_TABLE) assert.ok(r.kernels.length > 0 && r.grad.length > 0, `${r.op}: kernels and gradient written`);
});

test.run();
