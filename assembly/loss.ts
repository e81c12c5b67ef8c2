// loss kernels: binary cross-entropy with logits (forward, backward; optional positive weight)
// and the fused sampled-softmax cross-entropy row kernel (models.md §1.3) that writes the loss and
// its gradient in one call. C ABI: byte offsets and integers in.
// BCE never forms sigmoid(x) then log: with e = exp(-|x|) every term is a softplus of a
// non-positive argument, so |logit| = 100 (or 1e4) stays finite and exact to f32 rounding.
import { exp4, expf, log4, hpmax4, hsum4 } from './vmath';

import { ld, st, vld, vst } from './mem';

/** log1p(e) for e in [0, 1]: log(u) * e / (u - 1) with u = 1 + e cancels log's rounding of u. */
// @ts-ignore: decorator
@inline function log1p4(e: v128): v128 {
  const u = f32x4.add(f32x4.splat(1.0), e);
  const d = f32x4.sub(u, f32x4.splat(1.0));
  const l = f32x4.div(f32x4.mul(log4(u), e), d);
  return v128.bitselect(e, l, f32x4.eq(d, f32x4.splat(0)));
}
// @ts-ignore: decorator
@inline function log1pf(e: f32): f32 {
  const u: f32 = 1.0 + e;
  const d = u - 1.0;
  return d == 0 ? e : (Mathf.log(u) * e) / d;
}

/**
 * out[i] = w y softplus(-x) + (1 - y) softplus(x), softplus(z) = max(z, 0) + log1p(exp(-|z|)):
 * BCE(sigmoid(x), y) with the positive term weighted by posWeight = w (torch's pos_weight).
 */
export function bce_logits_f32(logits: usize, labels: usize, out: usize, n: i32, posWeight: f32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const w = f32x4.splat(posWeight), one = f32x4.splat(1.0), zero = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const x = vld(logits, i);
      const y = vld(labels, i);
      const l = log1p4(exp4(f32x4.neg(f32x4.abs(x))));
      const wy = f32x4.mul(w, y);
      const ny = f32x4.sub(one, y);
      const pos = f32x4.mul(wy, f32x4.add(f32x4.pmax(f32x4.neg(x), zero), l));
      vst(out, i, f32x4.add(pos, f32x4.mul(ny, f32x4.add(f32x4.pmax(x, zero), l))));
    }
  }
  for (; i < n; i++) {
    const x = ld(logits, i);
    const y = ld(labels, i);
    const l = log1pf(expf(-Mathf.abs(x)));
    st(out, i, posWeight * y * (Mathf.max(-x, 0) + l) + (1 - y) * (Mathf.max(x, 0) + l));
  }
}

/**
 * dx[i] (+)= g[i] * ((1 - y) sigmoid(x) - w y sigmoid(-x)), the derivative of bce_logits_f32.
 * sigmoid(+-x) both come from e = exp(-|x|), so neither is formed as 1 - (something near 1).
 */
export function bce_logits_bwd_f32(logits: usize, labels: usize, g: usize, dx: usize, n: i32, posWeight: f32, acc: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const w = f32x4.splat(posWeight), one = f32x4.splat(1.0), zero = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const x = vld(logits, i);
      const y = vld(labels, i);
      const e = exp4(f32x4.neg(f32x4.abs(x)));
      const inv = f32x4.div(one, f32x4.add(one, e));
      const big = f32x4.mul(e, inv); // sigmoid(-|x|)
      const nonneg = f32x4.ge(x, zero);
      const sp = v128.bitselect(inv, big, nonneg); // sigmoid(x)
      const sn = v128.bitselect(big, inv, nonneg); // sigmoid(-x)
      const d = f32x4.sub(f32x4.mul(f32x4.sub(one, y), sp), f32x4.mul(f32x4.mul(w, y), sn));
      let r = f32x4.mul(vld(g, i), d);
      if (acc) r = f32x4.add(vld(dx, i), r);
      vst(dx, i, r);
    }
  }
  for (; i < n; i++) {
    const x = ld(logits, i);
    const y = ld(labels, i);
    const e = expf(-Mathf.abs(x));
    const inv: f32 = 1.0 / (1.0 + e);
    const sp = x >= 0 ? inv : e * inv;
    const sn = x >= 0 ? e * inv : inv;
    const r = ld(g, i) * ((1 - y) * sp - posWeight * y * sn);
    st(dx, i, acc ? ld(dx, i) + r : r);
  }
}

/**
 * Sampled-softmax cross-entropy over rows of logits [rows, n], true class in column 0:
 * loss[r] = logsumexp_{j kept} logits[r, j] - logits[r, 0], kept = mask[r, j] != 0, and
 * dlogits[r, j] = scale * (p_j - [j = 0]) with p the softmax over kept entries, exactly 0 where
 * masked. A row with mask[r, 0] = 0 is a padding row: loss 0, gradient 0.
 */
export function softmax_xent_rows_f32(logits: usize, mask: usize, rows: i32, n: i32, loss: usize, dlogits: usize, scale: f32): void {
  for (let r = 0; r < rows; r++) {
    const off = ((<usize>r) * (<usize>n)) << 2;
    const x = logits + off;
    const mk = mask + off;
    const dl = dlogits + off;
    if (n == 0 || ld(mk, 0) == 0) {
      st(loss, r, 0);
      for (let j = 0; j < n; j++) st(dl, j, 0);
      continue;
    }
    // Max over kept entries (column 0 is kept, so m is finite whenever logits are).
    let m: f32 = -Infinity;
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      const ninf = f32x4.splat(-Infinity), zero = f32x4.splat(0);
      let a = ninf;
      for (; j + 4 <= n; j += 4) a = f32x4.pmax(a, v128.bitselect(vld(x, j), ninf, f32x4.ne(vld(mk, j), zero)));
      m = hpmax4(a);
    }
    for (; j < n; j++) if (ld(mk, j) != 0) m = Mathf.max(m, ld(x, j));
    // exp(x - m) of kept entries into dlogits (masked lanes forced to exactly 0), and their sum.
    let s: f32 = 0;
    j = 0;
    if (ASC_FEATURE_SIMD) {
      const vm = f32x4.splat(m), zero = f32x4.splat(0);
      let a = zero;
      for (; j + 4 <= n; j += 4) {
        const e = v128.and(exp4(f32x4.sub(vld(x, j), vm)), f32x4.ne(vld(mk, j), zero));
        vst(dl, j, e);
        a = f32x4.add(a, e);
      }
      s = hsum4(a);
    }
    for (; j < n; j++) {
      const e: f32 = ld(mk, j) != 0 ? expf(ld(x, j) - m) : 0;
      st(dl, j, e);
      s += e;
    }
    st(loss, r, m + Mathf.log(s) - ld(x, 0));
    const c = scale / s;
    j = 0;
    if (ASC_FEATURE_SIMD) {
      const vc = f32x4.splat(c);
      for (; j + 4 <= n; j += 4) vst(dl, j, f32x4.mul(vld(dl, j), vc));
    }
    for (; j < n; j++) st(dl, j, ld(dl, j) * c);
    st(dl, 0, ld(dl, 0) - scale);
  }
}

/**
 * The sampled softmax's log-Q correction and accidental-hit mask, in place over logits [rows, n]
 * (n = 1 + S: the label in column 0, then the S candidates): logits[r, 0] −= rowShift[r],
 * logits[r, 1 + j] −= candShift[j], each in float64 and rounded once to f32 (what a Float32Array
 * `x -= s` with a float64 s does, so this kernel gives the bits of that JavaScript loop);
 * mask[r, ·] = 1, except 0 where cand[j] = labels[r]. rowShift and candShift are f64 arrays,
 * labels and cand i32.
 */
export function logq_shift_mask_f32(logits: usize, mask: usize, rows: i32, n: i32, rowShift: usize, labels: usize, cand: usize, candShift: usize): void {
  const S = n - 1;
  for (let r = 0; r < rows; r++) {
    const off = ((<usize>r) * (<usize>n)) << 2;
    const x = logits + off;
    const mk = mask + off;
    const y = load<i32>(labels + ((<usize>r) << 2));
    store<f32>(x, <f32>(<f64>load<f32>(x) - load<f64>(rowShift + ((<usize>r) << 3))));
    store<f32>(mk, 1);
    // Candidates start at column 1: x1/m1 address candidate j at j·4 bytes.
    const x1 = x + 4, m1 = mk + 4;
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      const vy = i32x4.splat(y), one = f32x4.splat(1), zero = f32x4.splat(0);
      for (; j + 4 <= S; j += 4) {
        const o = (<usize>j) << 2;
        const v = v128.load(x1 + o);
        const s = candShift + ((<usize>j) << 3);
        const lo = f32x4.demote_f64x2_zero(f64x2.sub(f64x2.promote_low_f32x4(v), v128.load(s)));
        const hi = f32x4.demote_f64x2_zero(f64x2.sub(f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)), v128.load(s + 16)));
        v128.store(x1 + o, i64x2.shuffle(lo, hi, 0, 2));
        v128.store(m1 + o, v128.bitselect(zero, one, i32x4.eq(v128.load(cand + o), vy)));
      }
    }
    for (; j < S; j++) {
      const o = (<usize>j) << 2;
      store<f32>(x1 + o, <f32>(<f64>load<f32>(x1 + o) - load<f64>(candShift + ((<usize>j) << 3))));
      store<f32>(m1 + o, load<i32>(cand + o) == y ? 0 : 1);
    }
  }
}
