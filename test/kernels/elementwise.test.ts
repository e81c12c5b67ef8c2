// Elementwise kernels: oracle vs every float32 backend on tail-exercising lengths.
import { test } from 'uvu';
import { checkKernel, randomFloats } from '../helpers/kernel-check.js';

const SIZES = [0, 1, 3, 4, 5, 17, 67];

test('add_f32 matches the oracle', async () => {
  for (const n of SIZES) {
    await checkKernel('add_f32', {
      floats: { a: randomFloats(n, 1), b: randomFloats(n, 2), out: new Float64Array(n) },
      args: (p) => [p.a, p.b, p.out, n],
    });
  }
});

test.run();
