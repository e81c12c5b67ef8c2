// optim kernels with float16 state: lazy (row-sparse) Adam and Adagrad whose state is stored
// as f16 with one power-of-two scale per row and moment (f32 [rows, 2] for Adam: m then √v;
// [rows] for Adagrad's accumulator). Each touched row is decoded to f32, stepped with the same
// f32 arithmetic as adam_rows_f32 / adagrad_rows_f32, and written back re-scaled so its largest
// value sits in [2^14, 2^15), rounded to nearest even. The per-row scale keeps Adam scale-
// invariant: plain f16 would flush v ≈ 1e-3·g² to zero below g ≈ 8e-3. Adam stores √v, not v:
// f16's normal range (2^28 below the row's top) then covers gradients 2^28 apart within a row,
// where v itself would lose bits past 2^14 (v's rounding error doubles to ≤ 2^-10 relative,
// which √v in the step halves again). Two passes per row: the first finds the new values'
// maxima, the second recomputes them (same bits) and stores. These are the reference kernels
// (exported as *_ref): optim-f16.ts steps rows of D ≤ 64 faster to the same bits, and uses these
// per-row functions for the other rows.
import { halfToFloat, floatToHalf, load4h, store4h, scaleExp } from './half';

// @ts-ignore: decorator
@inline export function ldi(p: usize, i: i32): i32 {
  return load<i32>(p + ((<usize>i) << 2));
}
// @ts-ignore: decorator
@inline export function ldh(p: usize, i: i32, s: f32): f32 {
  return halfToFloat(<u32>load<u16>(p + ((<usize>i) << 1))) * s;
}
// @ts-ignore: decorator
@inline export function sth(p: usize, i: i32, x: f32): void {
  store<u16>(p + ((<usize>i) << 1), <u16>floatToHalf(x));
}
// @ts-ignore: decorator
/** Adam on value i of a row in scalar f32: moments from their halves (scales sm, sv), stored back as halves (inverse scales im, iv). */
@inline export function adamValue(p: usize, g: usize, mh: usize, vh: usize, i: i32, sm: f32, sv: f32, im: f32, iv: f32, a: f32, beta1: f32, beta2: f32, c1: f32, c2: f32, eps: f32, rs: f32): void {
  const o = (<usize>i) << 2;
  const gi = load<f32>(g + o);
  const mi = beta1 * ldh(mh, i, sm) + c1 * gi;
  const rv = ldh(vh, i, sv);
  const vi = beta2 * (rv * rv) + c2 * (gi * gi);
  const sq = Mathf.sqrt(vi);
  sth(mh, i, mi * im);
  sth(vh, i, sq * iv);
  store<f32>(p + o, load<f32>(p + o) - (a * mi) / (sq * rs + eps));
}

@inline export function lanesMax(x: v128): f32 {
  return max(max(f32x4.extract_lane(x, 0), f32x4.extract_lane(x, 1)), max(f32x4.extract_lane(x, 2), f32x4.extract_lane(x, 3)));
}

/**
 * Lazy Adam with f16 moments: grad is [count, d], row r the gradient of table row ids[r] (ids
 * unique). m16 holds m and v16 holds √v as [rows, d] halves (4-byte aligned base); scales
 * [rows, 2] f32 (m's, √v's).
 * The update of param uses the f32 moments of this step, before they are rounded to f16.
 */
export function adam_rows_f16_ref(param: usize, grad: usize, m16: usize, v16: usize, scales: usize, ids: usize, count: i32, d: i32, lr: f32, beta1: f32, beta2: f32, eps: f32, bc1: f32, bc2: f32): void {
  const a = lr / bc1;
  const rs: f32 = 1.0 / Mathf.sqrt(bc2);
  for (let r = 0; r < count; r++) {
    const id = ldi(ids, r);
    const p = param + (((<usize>id) * (<usize>d)) << 2);
    const g = grad + (((<usize>r) * (<usize>d)) << 2);
    const mh = m16 + (((<usize>id) * (<usize>d)) << 1);
    const vh = v16 + (((<usize>id) * (<usize>d)) << 1);
    adamRow(p, g, mh, vh, scales + ((<usize>id) << 3), d, a, beta1, beta2, eps, rs);
  }
}

/** One row of adam_rows_f16_ref: a = lr / bc1, rs = 1 / √bc2; sc points at the row's two scales. */
export function adamRow(p: usize, g: usize, mh: usize, vh: usize, sc: usize, d: i32, a: f32, beta1: f32, beta2: f32, eps: f32, rs: f32): void {
  const c1: f32 = 1.0 - beta1;
  const c2: f32 = 1.0 - beta2;
  {
    const sm = load<f32>(sc), sv = load<f32>(sc, 4);
    let mx: f32 = 0, vx: f32 = 0;
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      const vb1 = f32x4.splat(beta1), vc1 = f32x4.splat(c1), vb2 = f32x4.splat(beta2), vc2 = f32x4.splat(c2);
      const vsm = f32x4.splat(sm), vsv = f32x4.splat(sv);
      let mmax = f32x4.splat(0), vmax = f32x4.splat(0);
      for (; i + 4 <= d; i += 4) {
        const gg = v128.load(g + ((<usize>i) << 2));
        const mm = f32x4.add(f32x4.mul(vb1, f32x4.mul(load4h(mh + ((<usize>i) << 1)), vsm)), f32x4.mul(vc1, gg));
        const rv = f32x4.mul(load4h(vh + ((<usize>i) << 1)), vsv);
        const vv = f32x4.add(f32x4.mul(vb2, f32x4.mul(rv, rv)), f32x4.mul(vc2, f32x4.mul(gg, gg)));
        mmax = f32x4.max(mmax, f32x4.abs(mm));
        vmax = f32x4.max(vmax, vv);
      }
      mx = lanesMax(mmax);
      vx = lanesMax(vmax);
    }
    for (; i < d; i++) {
      const gi = load<f32>(g + ((<usize>i) << 2));
      mx = max(mx, abs(beta1 * ldh(mh, i, sm) + c1 * gi));
      const rv = ldh(vh, i, sv);
      vx = max(vx, beta2 * (rv * rv) + c2 * (gi * gi));
    }
    // sqrt is monotonic and correctly rounded: √ of the largest v is the largest √v.
    const em = scaleExp(mx), ev = scaleExp(Mathf.sqrt(vx));
    store<f32>(sc, reinterpret<f32>(em << 23));
    store<f32>(sc, reinterpret<f32>(ev << 23), 4);
    const im = reinterpret<f32>((254 - em) << 23), iv = reinterpret<f32>((254 - ev) << 23);
    i = 0;
    if (ASC_FEATURE_SIMD) {
      const vb1 = f32x4.splat(beta1), vc1 = f32x4.splat(c1), vb2 = f32x4.splat(beta2), vc2 = f32x4.splat(c2);
      const vsm = f32x4.splat(sm), vsv = f32x4.splat(sv), vim = f32x4.splat(im), viv = f32x4.splat(iv);
      const va = f32x4.splat(a), vrs = f32x4.splat(rs), ve = f32x4.splat(eps);
      for (; i + 4 <= d; i += 4) {
        const o = (<usize>i) << 2, oh = (<usize>i) << 1;
        const gg = v128.load(g + o);
        const mm = f32x4.add(f32x4.mul(vb1, f32x4.mul(load4h(mh + oh), vsm)), f32x4.mul(vc1, gg));
        const rv = f32x4.mul(load4h(vh + oh), vsv);
        const vv = f32x4.add(f32x4.mul(vb2, f32x4.mul(rv, rv)), f32x4.mul(vc2, f32x4.mul(gg, gg)));
        const sq = f32x4.sqrt(vv);
        store4h(mh + oh, f32x4.mul(mm, vim));
        store4h(vh + oh, f32x4.mul(sq, viv));
        const den = f32x4.add(f32x4.mul(sq, vrs), ve);
        v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.div(f32x4.mul(va, mm), den)));
      }
    }
    for (; i < d; i++) adamValue(p, g, mh, vh, i, sm, sv, im, iv, a, beta1, beta2, c1, c2, eps, rs);
  }
}

/**
 * Row Adagrad with an f16 accumulator: acc16 [rows, d] halves, scales [rows] f32; grad is
 * [count, d] for the unique rows ids[r]. acc += g²; param -= lr g / (sqrt(acc) + eps).
 */
export function adagrad_rows_f16_ref(param: usize, grad: usize, acc16: usize, scales: usize, ids: usize, count: i32, d: i32, lr: f32, eps: f32): void {
  for (let r = 0; r < count; r++) {
    const id = ldi(ids, r);
    const p = param + (((<usize>id) * (<usize>d)) << 2);
    const g = grad + (((<usize>r) * (<usize>d)) << 2);
    adagradRow(p, g, acc16 + (((<usize>id) * (<usize>d)) << 1), scales + ((<usize>id) << 2), d, lr, eps);
  }
}

/** One row of adagrad_rows_f16_ref; sc points at the row's scale. */
export function adagradRow(p: usize, g: usize, ah: usize, sc: usize, d: i32, lr: f32, eps: f32): void {
  {
    const s = load<f32>(sc);
    let x: f32 = 0;
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      const vs = f32x4.splat(s);
      let vmax = f32x4.splat(0);
      for (; i + 4 <= d; i += 4) {
        const gg = v128.load(g + ((<usize>i) << 2));
        vmax = f32x4.max(vmax, f32x4.add(f32x4.mul(load4h(ah + ((<usize>i) << 1)), vs), f32x4.mul(gg, gg)));
      }
      x = lanesMax(vmax);
    }
    for (; i < d; i++) {
      const gi = load<f32>(g + ((<usize>i) << 2));
      x = max(x, ldh(ah, i, s) + gi * gi);
    }
    const e = scaleExp(x);
    store<f32>(sc, reinterpret<f32>(e << 23));
    const inv = reinterpret<f32>((254 - e) << 23);
    i = 0;
    if (ASC_FEATURE_SIMD) {
      const vs = f32x4.splat(s), vinv = f32x4.splat(inv), vlr = f32x4.splat(lr), ve = f32x4.splat(eps);
      for (; i + 4 <= d; i += 4) {
        const o = (<usize>i) << 2, oh = (<usize>i) << 1;
        const gg = v128.load(g + o);
        const acc = f32x4.add(f32x4.mul(load4h(ah + oh), vs), f32x4.mul(gg, gg));
        store4h(ah + oh, f32x4.mul(acc, vinv));
        v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.div(f32x4.mul(vlr, gg), f32x4.add(f32x4.sqrt(acc), ve))));
      }
    }
    for (; i < d; i++) {
      const o = (<usize>i) << 2;
      const gi = load<f32>(g + o);
      const acc = ldh(ah, i, s) + gi * gi;
      sth(ah, i, acc * inv);
      store<f32>(p + o, load<f32>(p + o) - (lr * gi) / (Mathf.sqrt(acc) + eps));
    }
  }
}
