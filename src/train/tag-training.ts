// The tag-profile family's part of training (docs/protocols.md#tag-protocol): shuffled epochs over the training
// users' item rows (UTPM) or tag rows (the rest) as steps, validation on the mean per-task AUC
// every epoch (train-tag-model.ts gives the epoch-report view of the Trainer for these models).
import { Rng } from '../engine/random.js';
import type { TagDataset } from '../data/tag-datasets.js';
import type { TagModel } from '../models/tag-model.js';
import { makeBatch, rowsOf, splitUsers, validationAuc } from './tag-batches.js';
import { resolveOptions, type FamilyOptions, type ResolvedOptions, type TrainTask } from './train-task.js';

export class TagTraining implements TrainTask {
  readonly opts: ResolvedOptions;
  readonly metric = 'mean AUC';
  /** Shuffles the training rows at the start of every epoch. */
  readonly batchRng: Rng;
  /** Unused by the tag models (their losses draw nothing); kept so every family has both streams. */
  readonly drawRng: Rng;
  /** Training row indices of the model's row kind. */
  private readonly train: Int32Array;
  private readonly perEpoch: number;
  private epoch = -1;
  private epochStart: number[] = [];
  private order = new Int32Array(0);

  constructor(readonly model: TagModel, readonly data: TagDataset, options: FamilyOptions) {
    const rows = model.rows === 'item' ? data.samples.itemRows : data.samples.tagRows;
    this.train = rowsOf(rows, splitUsers(data, 'train'));
    const B = options.batchSize ?? (model.rows === 'item' ? 256 : 512);
    if (!(Number.isInteger(B) && B >= 1)) throw new Error(`Trainer: batchSize ${B}; expected an integer ≥ 1`);
    if (model.params && model.rows !== 'none' && !this.train.length) throw new Error(`Trainer: ${data.name}: no training rows`);
    this.perEpoch = Math.max(1, Math.ceil(this.train.length / B));
    const epochs = options.epochs ?? 50;
    if (!(Number.isInteger(epochs) && epochs >= 1)) throw new Error(`Trainer: epochs ${epochs}; expected an integer ≥ 1`);
    this.opts = resolveOptions(options, { batchSize: B, lr: 1e-3, evalEvery: this.perEpoch, patience: 4, maxSteps: epochs * this.perEpoch });
    this.batchRng = new Rng(this.opts.seed);
    this.drawRng = new Rng(this.opts.seed).fork(2);
  }

  /** Steps per epoch over the training rows. */
  get stepsPerEpoch(): number {
    return this.perEpoch;
  }

  private startEpoch(epoch: number): void {
    this.epochStart = this.batchRng.getState();
    this.order = this.batchRng.shuffle(Int32Array.from(this.train));
    this.epoch = epoch;
  }

  loss(step: number) {
    const epoch = Math.floor(step / this.perEpoch);
    if (epoch !== this.epoch) this.startEpoch(epoch);
    const B = this.opts.batchSize;
    const start = (step - epoch * this.perEpoch) * B;
    const batch = makeBatch(this.data, this.model.rows === 'item' ? 'item' : 'tag', this.order.subarray(start, start + B));
    return { loss: this.model.loss(batch), rows: batch.B };
  }

  validate() {
    const detail = validationAuc(this.model, this.data);
    const vals = Object.values(detail).filter((v) => !Number.isNaN(v));
    return { score: vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : NaN, detail };
  }

  /** The generator as it was when the current epoch's order was drawn (re-drawn on resume). */
  state(): Record<string, number[]> {
    return this.epoch < 0 ? { rows: this.batchRng.getState(), epoch: [-1] } : { rows: this.epochStart, epoch: [this.epoch] };
  }

  setState(s: Record<string, number[]>, source: string): void {
    if (!Array.isArray(s.rows) || !Array.isArray(s.epoch)) throw new Error(`Trainer.resume: ${source}: trainer.rng needs "rows" and "epoch" (written by a tag-model Trainer?)`);
    this.batchRng.setState(s.rows);
    this.epoch = -1;
    if (s.epoch[0] >= 0) this.startEpoch(s.epoch[0]);
  }
}
