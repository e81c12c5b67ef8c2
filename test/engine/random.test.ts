// Rng (xoshiro128**) golden outputs and distribution sanity, and det-math against Math.* (2 ulp).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../src/engine/random.js';
import { detCos, detExp, detExpm1, detLog, detLog1p, detPow, detSin } from '../../src/engine/det-math.js';

const F = new Float64Array(1);
const B = new BigInt64Array(F.buffer);
/** Distance in units in the last place (0 for equal values and for two NaNs). */
function ulps(a: number, c: number): number {
  if (Object.is(a, c) || (Number.isNaN(a) && Number.isNaN(c))) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(c)) return Infinity;
  const key = (v: number) => { F[0] = v; const x = B[0]; return x < 0n ? -(x & 0x7fffffffffffffffn) : x; };
  const d = key(a) - key(c);
  return Number(d < 0n ? -d : d);
}

test('golden first outputs for seed 42 (pinned: changing them changes every seeded result)', () => {
  const r = new Rng(42);
  assert.equal([r.nextU32(), r.nextU32(), r.nextU32(), r.nextU32(), r.nextU32()],
    [660444221, 3652823732, 77672526, 910233633, 2297337756]);
  assert.is(r.uniform(), 0.8815137425605035);
  assert.is(r.int(10), 6);
  assert.is(r.normal(), -0.30617710185138414);
  assert.is(r.logUniform(1000), 355);
  assert.equal(r.getState(), [1910594618, 3029818572, 2584082736, 2638804218]);
  assert.is(new Rng(42).fork(3).nextU32(), 2467352312);
  assert.is(new Rng(0).nextU32(), 1789933344);
  assert.is(new Rng(2 ** 40 + 5).nextU32(), 1301148004);
});

test('getState/setState resume the stream; fork is deterministic and independent', () => {
  const a = new Rng(7);
  for (let i = 0; i < 10; i++) a.nextU32();
  const saved = a.getState();
  const next = [a.uniform(), a.uniform()];
  const b = new Rng(999);
  b.setState(saved);
  assert.equal([b.uniform(), b.uniform()], next);
  assert.throws(() => b.setState([0, 0, 0, 0]), /all-zero/);
  assert.throws(() => b.setState([1, 2, 3]), /4 uint32/);
  const c = new Rng(7);
  assert.is(c.fork(1).nextU32(), c.fork(1).nextU32());
  assert.is.not(c.fork(1).nextU32(), c.fork(2).nextU32());
  assert.is.not(new Rng(1).nextU32(), new Rng(2).nextU32());
});

test('uniform mean/variance, int unbiased and in range', () => {
  const r = new Rng(1);
  const n = 200000;
  let s = 0, s2 = 0;
  for (let i = 0; i < n; i++) { const u = r.uniform(); assert.ok(u >= 0 && u < 1); s += u; s2 += u * u; }
  const mean = s / n, v = s2 / n - mean * mean;
  assert.ok(Math.abs(mean - 0.5) < 0.005, `mean ${mean}`);
  assert.ok(Math.abs(v - 1 / 12) < 0.002, `var ${v}`);
  const counts = new Array(7).fill(0);
  for (let i = 0; i < 70000; i++) counts[r.int(7)]++;
  for (const c of counts) assert.ok(Math.abs(c - 10000) < 500, `int(7) count ${c}`);
  for (let i = 0; i < 1000; i++) { const k = r.int(2 ** 40); assert.ok(k >= 0 && k < 2 ** 40 && Number.isInteger(k)); }
  assert.throws(() => r.int(0), /1\.\.2\^53/);
});

test('normal and truncatedNormal moments and bounds', () => {
  const r = new Rng(3);
  const n = 100000;
  let s = 0, s2 = 0;
  for (let i = 0; i < n; i++) { const z = r.normal(); s += z; s2 += z * z; }
  assert.ok(Math.abs(s / n) < 0.02, `mean ${s / n}`);
  assert.ok(Math.abs(s2 / n - 1) < 0.02, `var ${s2 / n}`);
  let t2 = 0;
  for (let i = 0; i < n; i++) { const z = r.truncatedNormal(1, 0.5); assert.ok(z >= 0 && z <= 2); t2 += (z - 1) * (z - 1); }
  // variance of N(0,1) truncated to ±2 is 0.7737 → scaled by 0.25
  assert.ok(Math.abs(t2 / n - 0.25 * 0.7737) < 0.01, `truncated var ${t2 / n}`);
});

test('logUniform follows P(k) = ln((k+1)/k)/ln n (chi-square)', () => {
  const r = new Rng(5);
  const N = 50, draws = 200000;
  const counts = new Array(N).fill(0);
  for (let i = 0; i < draws; i++) { const k = r.logUniform(N); assert.ok(k >= 1 && k <= N - 1); counts[k]++; }
  assert.is(counts[0], 0);
  let chi = 0;
  for (let k = 1; k < N; k++) {
    const e = draws * Math.log((k + 1) / k) / Math.log(N);
    chi += (counts[k] - e) ** 2 / e;
  }
  assert.ok(chi < 100, `chi2 ${chi} with 48 dof`); // p < 1e-4 if correct
  assert.is(new Rng(1).logUniform(2), 1);
});

test('shuffle is a permutation; choice and weighted stay in range', () => {
  const r = new Rng(9);
  const a = Array.from({ length: 100 }, (_, i) => i);
  r.shuffle(a);
  assert.equal([...a].sort((x, y) => x - y), Array.from({ length: 100 }, (_, i) => i));
  assert.is.not(a.join(), Array.from({ length: 100 }, (_, i) => i).join());
  const i32 = r.shuffle(new Int32Array([1, 2, 3]));
  assert.is(i32.length, 3);
  assert.ok([1, 2, 3].includes(r.choice([1, 2, 3])));
  const w = [0, 3, 1];
  const c = [0, 0, 0];
  for (let i = 0; i < 4000; i++) c[r.weighted(w)]++;
  assert.is(c[0], 0);
  assert.ok(Math.abs(c[1] / 4000 - 0.75) < 0.03);
});

/** Deterministic test points (an LCG, independent of Rng). */
function points(n: number, gen: (u: () => number) => number): number[] {
  let s = 12345;
  const u = () => { s = (s * 16807) % 2147483647; return s / 2147483647; };
  return Array.from({ length: n }, () => gen(u));
}

const EDGE = [0, -0, 5e-324, -5e-324, 2.2250738585072014e-308, 1e-300, 1e-20, 1e-10, 0.5, 1, -1, 2, 10, 100,
  700, 709.7, 709.79, 710, -700, -745, -746, 1e300, 1.7976931348623157e308, Infinity, -Infinity, NaN];

function checkFn(name: string, f: (x: number) => number, g: (x: number) => number, xs: number[]) {
  for (const x of [...xs, ...EDGE]) {
    const d = ulps(f(x), g(x));
    assert.ok(d <= 2, `${name}(${x}) = ${f(x)}, Math gives ${g(x)} (${d} ulp)`);
  }
}

test('detExp / detExpm1 within 2 ulp of Math', () => {
  checkFn('detExp', detExp, Math.exp, points(5000, (u) => (u() - 0.5) * 1500));
  checkFn('detExpm1', detExpm1, Math.expm1, points(5000, (u) => (u() < 0.5 ? (u() - 0.5) * 3 : (u() - 0.5) * 1500)));
  assert.is(detExp(0), 1);
  assert.is(detExp(-Infinity), 0);
});

test('detLog / detLog1p within 2 ulp, NaN for negatives, -Infinity at 0', () => {
  checkFn('detLog', detLog, Math.log, points(5000, (u) => 10 ** ((u() - 0.5) * 600)));
  checkFn('detLog1p', detLog1p, Math.log1p, points(5000, (u) => (u() < 0.5 ? u() * 2 - 1 : 10 ** ((u() - 0.5) * 40))));
  assert.ok(Number.isNaN(detLog(-1)) && Number.isNaN(detLog(-1e-300)) && Number.isNaN(detLog1p(-2)));
  assert.is(detLog(0), -Infinity);
  assert.is(detLog(1), 0);
  assert.is(detLog1p(-1), -Infinity);
});

test('detSin / detCos within 2 ulp, including huge arguments', () => {
  const gen = (u: () => number) => {
    const a = u();
    if (a < 0.4) return (u() - 0.5) * 20;
    if (a < 0.7) return (u() - 0.5) * 2e7;
    return 10 ** (u() * 308) * (u() < 0.5 ? -1 : 1);
  };
  checkFn('detSin', detSin, Math.sin, points(5000, gen));
  checkFn('detCos', detCos, Math.cos, points(5000, gen));
  assert.is(detSin(-0), -0);
  assert.ok(Number.isNaN(detCos(Infinity)));
});

test('detPow within 2 ulp and with Math.pow special cases', () => {
  const xs = points(5000, (u) => 10 ** ((u() - 0.5) * 20));
  const ys = points(5000, (u) => (u() - 0.5) * 60);
  for (let i = 0; i < xs.length; i++) {
    const d = ulps(detPow(xs[i], ys[i]), Math.pow(xs[i], ys[i]));
    assert.ok(d <= 2, `detPow(${xs[i]}, ${ys[i]}) off by ${d} ulp`);
  }
  const special = [0, -0, 1, -1, 2, -2, 0.5, -0.5, 3, -3, Infinity, -Infinity, NaN, 1e300, 1e-300, 2.5];
  for (const x of special) for (const y of special) {
    assert.ok(ulps(detPow(x, y), Math.pow(x, y)) <= 1, `detPow(${x}, ${y}) = ${detPow(x, y)}, Math.pow ${Math.pow(x, y)}`);
  }
  assert.is(detPow(2, 10), 1024);
  assert.is(detPow(5000, 0), 1);
});

test.run();
