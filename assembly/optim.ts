// optim kernels: dense and row-sparse (lazy) Adam, Adagrad and SGD steps. Stateless: the caller
// passes the bias corrections bc1 = 1 - beta1^t, bc2 = 1 - beta2^t, so t lives in TS.
// Formulas follow torch.optim exactly (eps added after the bias-corrected sqrt). Dense kernels
// are memory-bound (Adam streams 4 arrays in, 3 out): one pass, unrolled by 8 floats.
// Row variants update only rows[ids[r]]; ids must be unique (duplicates would step twice).

// asconfig's `use: abort=` reaches the debug target too, so the builtin abort is unavailable
// there; this import is referenced only under !ASC_NO_ASSERT, so release builds do not import it.
// @ts-ignore: decorator
@external("env", "abort") declare function debugAbort(message: string, fileName: string, line: u32, column: u32): void;

// @ts-ignore: decorator
@inline function ldi(p: usize, i: i32): i32 {
  return load<i32>(p + ((<usize>i) << 2));
}
// @ts-ignore: decorator
@inline function rowOff(row: i32, d: i32): usize {
  return ((<usize>row) * (<usize>d)) << 2;
}

/** Debug builds only: a negative id is always a caller bug (the table's row count is not passed). */
// @ts-ignore: decorator
@inline function checkId(kernel: string, r: i32, id: i32): void {
  if (!ASC_NO_ASSERT) {
    if (id < 0) {
      debugAbort(kernel + ": ids[" + r.toString() + "] = " + id.toString() + " is negative", "assembly/optim.ts", 0, 0);
      unreachable();
    }
  }
}

// Adam on 4 lanes at byte offset o. a = lr / bc1, rs = 1 / sqrt(bc2).
// @ts-ignore: decorator
@inline function adam4(p: usize, g: usize, m: usize, v: usize, o: usize, b1: v128, c1: v128, b2: v128, c2: v128, a: v128, rs: v128, eps: v128): void {
  const gg = v128.load(g + o);
  const mm = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(c1, gg));
  const vv = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(c2, f32x4.mul(gg, gg)));
  v128.store(m + o, mm);
  v128.store(v + o, vv);
  const den = f32x4.add(f32x4.mul(f32x4.sqrt(vv), rs), eps);
  v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.div(f32x4.mul(a, mm), den)));
}

// @ts-ignore: decorator
@inline function adamSpan(p: usize, g: usize, m: usize, v: usize, n: i32, lr: f32, beta1: f32, beta2: f32, eps: f32, bc1: f32, bc2: f32): void {
  const a = lr / bc1;
  const rs: f32 = 1.0 / Mathf.sqrt(bc2);
  const c1: f32 = 1.0 - beta1;
  const c2: f32 = 1.0 - beta2;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vb1 = f32x4.splat(beta1), vc1 = f32x4.splat(c1), vb2 = f32x4.splat(beta2), vc2 = f32x4.splat(c2);
    const va = f32x4.splat(a), vrs = f32x4.splat(rs), ve = f32x4.splat(eps);
    for (; i + 8 <= n; i += 8) {
      const o = (<usize>i) << 2;
      adam4(p, g, m, v, o, vb1, vc1, vb2, vc2, va, vrs, ve);
      adam4(p, g, m, v, o + 16, vb1, vc1, vb2, vc2, va, vrs, ve);
    }
    for (; i + 4 <= n; i += 4) adam4(p, g, m, v, (<usize>i) << 2, vb1, vc1, vb2, vc2, va, vrs, ve);
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    const gi = load<f32>(g + o);
    const mi = beta1 * load<f32>(m + o) + c1 * gi;
    const vi = beta2 * load<f32>(v + o) + c2 * (gi * gi);
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    store<f32>(p + o, load<f32>(p + o) - (a * mi) / (Mathf.sqrt(vi) * rs + eps));
  }
}

/**
 * Dense Adam over n floats: m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
 * param -= (lr / bc1) * m / (sqrt(v) / sqrt(bc2) + eps).
 */
export function adam_f32(param: usize, grad: usize, m: usize, v: usize, n: i32, lr: f32, beta1: f32, beta2: f32, eps: f32, bc1: f32, bc2: f32): void {
  adamSpan(param, grad, m, v, n, lr, beta1, beta2, eps, bc1, bc2);
}

/**
 * Lazy Adam on rows: grad is [count, d], row r the gradient of table row ids[r] (ids unique).
 * Only those rows of param, m and v change; other rows' moments are not decayed.
 */
export function adam_rows_f32(param: usize, grad: usize, m: usize, v: usize, ids: usize, count: i32, d: i32, lr: f32, beta1: f32, beta2: f32, eps: f32, bc1: f32, bc2: f32): void {
  for (let r = 0; r < count; r++) {
    const id = ldi(ids, r);
    checkId("adam_rows_f32", r, id);
    const o = rowOff(id, d);
    adamSpan(param + o, grad + rowOff(r, d), m + o, v + o, d, lr, beta1, beta2, eps, bc1, bc2);
  }
}

// @ts-ignore: decorator
@inline function adagradSpan(p: usize, g: usize, acc: usize, n: i32, lr: f32, eps: f32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vlr = f32x4.splat(lr), ve = f32x4.splat(eps);
    for (; i + 4 <= n; i += 4) {
      const o = (<usize>i) << 2;
      const gg = v128.load(g + o);
      const s = f32x4.add(v128.load(acc + o), f32x4.mul(gg, gg));
      v128.store(acc + o, s);
      const den = f32x4.add(f32x4.sqrt(s), ve);
      v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.div(f32x4.mul(vlr, gg), den)));
    }
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    const gi = load<f32>(g + o);
    const s = load<f32>(acc + o) + gi * gi;
    store<f32>(acc + o, s);
    store<f32>(p + o, load<f32>(p + o) - (lr * gi) / (Mathf.sqrt(s) + eps));
  }
}

/** Dense Adagrad: acc += g^2; param -= lr * g / (sqrt(acc) + eps) (torch's formula). */
export function adagrad_f32(param: usize, grad: usize, acc: usize, n: i32, lr: f32, eps: f32): void {
  adagradSpan(param, grad, acc, n, lr, eps);
}

/** Row Adagrad: grad is [count, d] for the unique table rows ids[r]; only those rows change. */
export function adagrad_rows_f32(param: usize, grad: usize, acc: usize, ids: usize, count: i32, d: i32, lr: f32, eps: f32): void {
  for (let r = 0; r < count; r++) {
    const id = ldi(ids, r);
    checkId("adagrad_rows_f32", r, id);
    const o = rowOff(id, d);
    adagradSpan(param + o, grad + rowOff(r, d), acc + o, d, lr, eps);
  }
}

// @ts-ignore: decorator
@inline function sgdSpan(p: usize, g: usize, n: i32, lr: f32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vlr = f32x4.splat(lr);
    for (; i + 8 <= n; i += 8) {
      const o = (<usize>i) << 2;
      v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.mul(vlr, v128.load(g + o))));
      v128.store(p + o + 16, f32x4.sub(v128.load(p + o + 16), f32x4.mul(vlr, v128.load(g + o + 16))));
    }
    for (; i + 4 <= n; i += 4) {
      const o = (<usize>i) << 2;
      v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.mul(vlr, v128.load(g + o))));
    }
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    store<f32>(p + o, load<f32>(p + o) - lr * load<f32>(g + o));
  }
}

/** Dense SGD: param -= lr * grad. */
export function sgd_f32(param: usize, grad: usize, n: i32, lr: f32): void {
  sgdSpan(param, grad, n, lr);
}

/** Row SGD: param[ids[r]] -= lr * grad[r]. Duplicate ids are harmless here (updates add). */
export function sgd_rows_f32(param: usize, grad: usize, ids: usize, count: i32, d: i32, lr: f32): void {
  for (let r = 0; r < count; r++) {
    const id = ldi(ids, r);
    checkId("sgd_rows_f32", r, id);
    sgdSpan(param + rowOff(id, d), grad + rowOff(r, d), d, lr);
  }
}
