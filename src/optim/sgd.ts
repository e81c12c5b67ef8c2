// Plain SGD and Adagrad; tables with row-sparse gradients update only the touched rows.
import { Tensor, poolTensor } from '../tensor.js';
import { Optimizer, type OptimizerConfig, type RowGrad } from './optimizer.js';

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
  state(): { name: string; tensor: Tensor }[] {
    return [];
  }
}

export interface AdagradConfig extends OptimizerConfig {
  /** Denominator floor (default 1e-10). */
  eps?: number;
  /** Starting accumulator value (default 0.1, as TF). */
  initialAccumulator?: number;
}

export class Adagrad extends Optimizer {
  private readonly acc = new Map<Tensor, Tensor>();
  constructor(params: Tensor[], readonly cfg: AdagradConfig) {
    super(params, cfg);
    for (const p of params) {
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
    p.engine.k.adagrad_rows_f32(p.ptr, rg.rows.ptr, this.acc.get(p)!.ptr, rg.ids.ptr, rg.ids.size, p.shape[1], this.cfg.lr, this.cfg.eps ?? 1e-10);
  }
  state(): { name: string; tensor: Tensor }[] {
    return this.params.map((p, i) => ({ name: `adagrad.acc.${p.name || i}`, tensor: this.acc.get(p)! }));
  }
}
