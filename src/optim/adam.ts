// Adam (Kingma & Ba) with β1 0.9, β2 0.999, ε 1e-8 by default. Tables with row-sparse gradients
// get the lazy update (only rows in the batch change, moments of other rows are not decayed),
// unless `sparseMode: 'dense'` asks for TF1 AdamOptimizer's full-table behaviour. With
// `sparseState: 'f16'` those tables keep their moments as f16 with a per-row scale (half-state.ts).
import { Tensor, poolTensor } from '../tensor.js';
import { detPow } from '../engine/det-math.js';
import { Optimizer, type OptimizerConfig, type RowGrad } from './optimizer.js';
import { checkStateDtype, halfStated, halfTable, rowScales, type StateDtype, type StateEntry } from './half-state.js';

export interface AdamConfig extends OptimizerConfig {
  /** Decay of the first moment (default 0.9). */
  beta1?: number;
  /** Decay of the second moment (default 0.999). */
  beta2?: number;
  /** Denominator floor (default 1e-8). */
  eps?: number;
  /** 'lazy' (default): row-sparse tables update only touched rows; 'dense': every row, every step. */
  sparseMode?: 'lazy' | 'dense';
  /**
   * Storage of the moments of row-sparse tables: 'f32' (default, 8 bytes per value) or 'f16'
   * (4 bytes per value plus 8 per row; the step itself runs in f32). Needs `sparseMode: 'lazy'`.
   */
  sparseState?: StateDtype;
}

interface HalfMoments {
  m: Tensor; // packed f16 [N, D]
  v: Tensor; // packed f16 [N, D]
  scales: Tensor; // [N, 2] f32: m's and v's power-of-two scale per row
}

export class Adam extends Optimizer {
  private readonly m = new Map<Tensor, Tensor>();
  private readonly v = new Map<Tensor, Tensor>();
  private readonly half = new Map<Tensor, HalfMoments>();

  constructor(params: Tensor[], readonly cfg: AdamConfig = { lr: 1e-3 }) {
    super(params, cfg);
    const dtype = checkStateDtype('Adam', cfg.sparseState);
    if (dtype === 'f16' && cfg.sparseMode === 'dense') throw new Error(`Adam: sparseState 'f16' needs sparseMode 'lazy' (the dense mode steps whole tables in f32)`);
    for (const p of params) {
      if (halfStated(p, dtype)) {
        const [N, D] = p.shape;
        this.half.set(p, { m: halfTable(N, D, p.engine), v: halfTable(N, D, p.engine), scales: rowScales(N, 2, p.engine) });
        continue;
      }
      this.m.set(p, poolTensor(p.shape, undefined, p.engine));
      this.v.set(p, poolTensor(p.shape, undefined, p.engine));
    }
  }

  private coeffs(): [number, number, number, number, number, number] {
    const b1 = this.cfg.beta1 ?? 0.9;
    const b2 = this.cfg.beta2 ?? 0.999;
    // detPow, not **: the host's pow may differ in the last bit across engines.
    return [this.cfg.lr, b1, b2, this.cfg.eps ?? 1e-8, 1 - detPow(b1, this.t), 1 - detPow(b2, this.t)];
  }

  protected dense(p: Tensor, g: Tensor, scale: number): void {
    const [lr, b1, b2, eps, bc1, bc2] = this.coeffs();
    if (scale !== 1) p.engine.k.scale_f32(g.ptr, scale, g.ptr, g.size);
    p.engine.k.adam_f32(p.ptr, g.ptr, this.m.get(p)!.ptr, this.v.get(p)!.ptr, p.size, lr, b1, b2, eps, bc1, bc2);
  }

  protected rows(p: Tensor, rg: RowGrad, scale: number): void {
    const [lr, b1, b2, eps, bc1, bc2] = this.coeffs();
    const e = p.engine;
    if (scale !== 1) e.k.scale_f32(rg.rows.ptr, scale, rg.rows.ptr, rg.rows.size);
    const h = this.half.get(p);
    if (h) {
      e.k.adam_rows_f16(p.ptr, rg.rows.ptr, h.m.ptr, h.v.ptr, h.scales.ptr, rg.ids.ptr, rg.ids.size, p.shape[1], lr, b1, b2, eps, bc1, bc2);
      return;
    }
    if (this.cfg.sparseMode === 'dense') {
      const g = poolTensor(p.shape, undefined, e); // full-table gradient, zero outside the batch
      e.k.scatter_add_rows_f32(rg.rows.ptr, rg.ids.ptr, g.ptr, p.shape[0], rg.ids.size, p.shape[1]);
      e.k.adam_f32(p.ptr, g.ptr, this.m.get(p)!.ptr, this.v.get(p)!.ptr, p.size, lr, b1, b2, eps, bc1, bc2);
      e.heap.free(g.ptr);
      return;
    }
    e.k.adam_rows_f32(p.ptr, rg.rows.ptr, this.m.get(p)!.ptr, this.v.get(p)!.ptr, rg.ids.ptr, rg.ids.size, p.shape[1], lr, b1, b2, eps, bc1, bc2);
  }

  state(): StateEntry[] {
    return this.params.flatMap((p, i) => {
      const name = p.name || i;
      const h = this.half.get(p);
      if (h) {
        return [
          { name: `adam.m.${name}`, tensor: h.m, halves: p.shape },
          { name: `adam.v.${name}`, tensor: h.v, halves: p.shape },
          { name: `adam.scale.${name}`, tensor: h.scales, rowScales: true },
        ];
      }
      return [
        { name: `adam.m.${name}`, tensor: this.m.get(p)! },
        { name: `adam.v.${name}`, tensor: this.v.get(p)! },
      ];
    });
  }

  /** Bytes of optimizer state held in engine memory (moments and row scales). */
  stateBytes(): number {
    let n = 0;
    for (const t of this.m.values()) n += t.size * 4;
    for (const t of this.v.values()) n += t.size * 4;
    for (const h of this.half.values()) n += (h.m.size + h.v.size + h.scales.size) * 4;
    return n;
  }
}
