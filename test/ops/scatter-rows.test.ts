// scatterRows (valid slots back to the padded [B, T, ·] layout): values, zeros elsewhere,
// gradcheck and backends via checkOp, and the errors for bad positions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkOp } from '../helpers/op-check.js';
import { setEngine } from '../../src/engine/load.js';
import { idTensor, poolTensor } from '../../src/tensor.js';
import { scatterRows } from '../../src/ops/scatter-rows.js';
import { oracle } from '../helpers/engines.js';

test('scatterRows: rows land at their positions, zeros elsewhere', () => {
  const e = setEngine(oracle());
  const x = poolTensor([2, 3], [1, 2, 3, 4, 5, 6], e);
  const y = scatterRows(x, idTensor([3, 0], [2], e), [2, 2, 3]);
  assert.equal(y.shape, [2, 2, 3]);
  assert.equal(Array.from(y.data), [4, 5, 6, 0, 0, 0, 0, 0, 0, 1, 2, 3]);
  e.heap.resetArena();
});

test('scatterRows: gradcheck and backends', async () => {
  await checkOp('scatterRows', [{ shape: [4, 5] }], ([x]) => scatterRows(x, idTensor([6, 1, 2, 4], [4], x.engine), [2, 4, 5]));
  await checkOp('scatterRows K=1', [{ shape: [3, 1] }], ([x]) => scatterRows(x, idTensor([0, 2, 1], [3], x.engine), [3, 1]));
});

test('scatterRows: duplicate or out-of-range positions and width mismatch are errors', () => {
  const e = setEngine(oracle());
  const x = poolTensor([2, 3], [1, 2, 3, 4, 5, 6], e);
  assert.throws(() => scatterRows(x, idTensor([1, 1], [2], e), [4, 3]), /appears twice/);
  assert.throws(() => scatterRows(x, idTensor([1, 4], [2], e), [4, 3]), /out of range/);
  assert.throws(() => scatterRows(x, idTensor([1, 2], [2], e), [4, 2]), /must end in 3/);
  e.heap.resetArena();
});

test.run();
