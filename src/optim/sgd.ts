// Plain SGD and Adagrad; tables with row-sparse gradients update only the touched rows. Adagrad's
// accumulator of such tables may be kept as f16 with a per-row scale (`sparseState: 'f16'`).
import { Tensor, poolTensor } from '../tensor.js';
import { Optimizer, type OptimizerConfig, type RowGrad } from './optimizer.js';
import { toHalfBits } from '../engine/reference/quant.js';
import { checkStateDtype, halfStated, halfTable, rowScales, type StateDtype, type StateEntry } from './half-state.js';

export class SGD extends Optimizer {
  constructor(params: Tensor[], cfg: OptimizerConfig) {
    super(params, cfg);
  }
  protected dense(p: Tensor, g: Tensor, scale: number): void {
    p.engine.k.sgd_f32(p.ptr, g.ptr, p.size, this.config.lr * scale);
  }
  protected rows(p: Tensor, rg: RowGrad, scale: number): void {
    p.engine.k.sgd_rows_f32(p.ptr, rg.rows.ptr, rg.ids.ptr, rg.ids.size, p.shape[1], this.config.lr * scale);
  }
  state(): StateEntry[] {
    return [];
  }
}

export interface AdagradConfig extends OptimizerConfig {
  /** Denominator floor (default 1e-10). */
  eps?: number;
  /** Starting accumulator value (default 0.1, as TF). */
  initialAccumulator?: number;
  /** Storage of the accumulator of row-sparse tables: 'f32' (default) or 'f16' (plus a scale per row). */
  sparseState?: StateDtype;
}

export class Adagrad extends Optimizer {
  private readonly acc = new Map<Tensor, Tensor>();
  private readonly half = new Map<Tensor, { acc: Tensor; scales: Tensor }>();
  constructor(params: Tensor[], readonly cfg: AdagradConfig) {
    super(params, cfg);
    const dtype = checkStateDtype('Adagrad', cfg.sparseState);
    for (const p of params) {
      if (halfStated(p, dtype)) {
        this.half.set(p, initialHalves(p, cfg.initialAccumulator ?? 0.1));
        continue;
      }
      const a = poolTensor(p.shape, undefined, p.engine);
      p.engine.k.fill_f32(a.ptr, cfg.initialAccumulator ?? 0.1, a.size);
      this.acc.set(p, a);
    }
  }
  protected dense(p: Tensor, g: Tensor, scale: number): void {
    if (scale !== 1) p.engine.k.scale_f32(g.ptr, scale, g.ptr, g.size);
    p.engine.k.adagrad_f32(p.ptr, g.ptr, this.acc.get(p)!.ptr, p.size, this.cfg.lr, this.cfg.eps ?? 1e-10);
  }
  protected rows(p: Tensor, rg: RowGrad, scale: number): void {
    if (scale !== 1) p.engine.k.scale_f32(rg.rows.ptr, scale, rg.rows.ptr, rg.rows.size);
    const h = this.half.get(p);
    if (h) {
      p.engine.k.adagrad_rows_f16(p.ptr, rg.rows.ptr, h.acc.ptr, h.scales.ptr, rg.ids.ptr, rg.ids.size, p.shape[1], this.cfg.lr, this.cfg.eps ?? 1e-10);
      return;
    }
    p.engine.k.adagrad_rows_f32(p.ptr, rg.rows.ptr, this.acc.get(p)!.ptr, rg.ids.ptr, rg.ids.size, p.shape[1], this.cfg.lr, this.cfg.eps ?? 1e-10);
  }
  state(): StateEntry[] {
    return this.params.flatMap((p, i) => {
      const h = this.half.get(p);
      if (!h) return [{ name: `adagrad.acc.${p.name || i}`, tensor: this.acc.get(p)! }];
      return [{ name: `adagrad.acc.${p.name || i}`, tensor: h.acc, halves: p.shape }, { name: `adagrad.scale.${p.name || i}`, tensor: h.scales, rowScales: true }];
    });
  }
}

/**
 * The f16 accumulator of table p filled with `init`: every row holds init / s in f16 with the row
 * scale s the kernel would choose for it (init's binade at [2^14, 2^15)).
 */
function initialHalves(p: Tensor, init: number): { acc: Tensor; scales: Tensor } {
  const [N, D] = p.shape;
  const acc = halfTable(N, D, p.engine);
  const scales = rowScales(N, 1, p.engine);
  const x = Math.fround(init);
  if (!(x >= 0 && x < 2 ** 127)) throw new Error(`Adagrad: initialAccumulator ${init}; expected a finite number ≥ 0`);
  const E = Math.max(1, (new Uint32Array(Float32Array.of(x).buffer)[0] >>> 23) - 14); // as the kernel's scaleExp
  p.engine.k.fill_f32(scales.ptr, 2 ** (E - 127), N);
  const h = toHalfBits(Math.fround(x * 2 ** (127 - E)));
  acc.ids.fill(h | (h << 16));
  return { acc, scales };
}
