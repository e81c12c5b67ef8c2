// Vocabulary: raw item id ↔ index. 0 is padding; 1..N−1 follow descending training count (ties:
// first appearance in the training events); kept items never seen in training take the last
// indices by total count (docs/model-guide.md#conventions, docs/protocols.md#preprocessing step 4). Serialised into checkpoints.

/** JSON form stored in checkpoints. */
export interface VocabularyJSON {
  format: 'mirec-vocabulary';
  version: 1;
  /** Raw ids of indices 1..N−1 (index 0, padding, has no id). */
  ids: string[];
  /** Training counts of indices 1..N−1 (0 for items unseen in training). */
  counts: number[];
  /** Number of items seen in training: they hold indices 1..trained. */
  trained: number;
}

/** Raw id ↔ index mapping with training counts. */
export class Vocabulary {
  private readonly map = new Map<string, number>();

  /**
   * @param ids raw ids by index; ids[0] is the padding slot ('').
   * @param counts training count by index (counts[0] = 0).
   * @param trained items 1..trained were seen in training.
   */
  constructor(readonly ids: readonly string[], readonly counts: Int32Array, readonly trained: number) {
    if (ids.length !== counts.length) throw new Error(`Vocabulary: ${ids.length} ids but ${counts.length} counts`);
    for (let i = 1; i < ids.length; i++) {
      if (this.map.has(ids[i])) throw new Error(`Vocabulary: raw id "${ids[i]}" appears twice (indices ${this.map.get(ids[i])} and ${i})`);
      this.map.set(ids[i], i);
    }
  }

  /** N: rows of the item table, padding included. */
  get size(): number { return this.ids.length; }

  /** Index of a raw id, or −1 when it is not in the vocabulary. */
  index(raw: string): number { return this.map.get(raw) ?? -1; }

  /** Raw id of an index in 1..N−1. */
  raw(index: number): string {
    if (!(index >= 1 && index < this.ids.length)) throw new Error(`Vocabulary.raw: index ${index} is outside 1..${this.ids.length - 1}`);
    return this.ids[index];
  }

  toJSON(): VocabularyJSON {
    return { format: 'mirec-vocabulary', version: 1, ids: this.ids.slice(1), counts: Array.from(this.counts.subarray(1)), trained: this.trained };
  }

  /**
   * Rebuild from toJSON() output (or its JSON.parse, e.g. of an untrusted checkpoint): every
   * field is checked, errors name it (`vocab.ids[3] is the number 7, expected a string`).
   */
  static fromJSON(j: VocabularyJSON, where = 'vocab'): Vocabulary {
    const x = j as unknown as Record<string, unknown> | null;
    if (typeof x !== 'object' || x === null || Array.isArray(x) || x.format !== 'mirec-vocabulary' || x.version !== 1) {
      throw new Error(`Vocabulary.fromJSON: ${where}: expected { format: 'mirec-vocabulary', version: 1 }, got format ${JSON.stringify(x?.format)} version ${JSON.stringify(x?.version)}`);
    }
    const bad = (field: string, want: string): never => {
      throw new Error(`Vocabulary.fromJSON: ${where}.${field} ${want}`);
    };
    const { ids, counts, trained } = x;
    if (!Array.isArray(ids)) bad('ids', `is ${ids === null ? 'null' : typeof ids}, expected an array of raw id strings`);
    if (!Array.isArray(counts)) bad('counts', `is ${counts === null ? 'null' : typeof counts}, expected an array of whole numbers`);
    const I = ids as unknown[], C = counts as unknown[];
    if (I.length !== C.length) bad('ids', `has ${I.length} entries but counts has ${C.length}`);
    for (let i = 0; i < I.length; i++) {
      if (typeof I[i] !== 'string') bad(`ids[${i}]`, `is ${JSON.stringify(I[i])}, expected a string`);
      const c = C[i];
      if (!(typeof c === 'number' && Number.isInteger(c) && c >= 0 && c < 2 ** 31)) bad(`counts[${i}]`, `is ${JSON.stringify(c)}, expected a whole number ≥ 0`);
    }
    if (!(typeof trained === 'number' && Number.isInteger(trained) && trained >= 0 && trained <= I.length)) bad('trained', `is ${JSON.stringify(trained)}, expected a whole number in 0..${I.length}`);
    return new Vocabulary(['', ...(I as string[])], Int32Array.from([0, ...(C as number[])]), trained as number);
  }

  toString(): string { return `Vocabulary(N=${this.size}, trained=${this.trained})`; }
}

/**
 * Build a vocabulary over raw-table item indices.
 * @param rawIds the raw id table (e.g. Events.itemIds).
 * @param training raw-table indices of the training events, in the order that defines first appearance.
 * @param all raw-table indices of every kept event (items absent from `training` are appended
 *   by descending total count, ties by first appearance here); items in neither are left out.
 * @returns the vocabulary and `toIndex`, mapping a raw-table index to its vocabulary index (0 if left out).
 */
export function buildVocabulary(rawIds: readonly string[], training: ArrayLike<number>, all: ArrayLike<number>): { vocab: Vocabulary; toIndex: Int32Array } {
  const R = rawIds.length;
  const trainCount = new Int32Array(R), totalCount = new Int32Array(R);
  const trainFirst = new Int32Array(R).fill(-1), totalFirst = new Int32Array(R).fill(-1);
  for (let i = 0; i < training.length; i++) {
    const r = training[i];
    if (trainFirst[r] < 0) trainFirst[r] = i;
    trainCount[r]++;
  }
  for (let i = 0; i < all.length; i++) {
    const r = all[i];
    if (totalFirst[r] < 0) totalFirst[r] = i;
    totalCount[r]++;
  }
  const seen: number[] = [], unseen: number[] = [];
  for (let r = 0; r < R; r++) {
    if (trainCount[r] > 0) seen.push(r); else if (totalCount[r] > 0) unseen.push(r);
  }
  seen.sort((a, b) => trainCount[b] - trainCount[a] || trainFirst[a] - trainFirst[b]);
  unseen.sort((a, b) => totalCount[b] - totalCount[a] || totalFirst[a] - totalFirst[b]);
  const order = seen.concat(unseen);
  const ids: string[] = [''];
  const counts = new Int32Array(order.length + 1);
  const toIndex = new Int32Array(R);
  order.forEach((r, k) => { ids.push(rawIds[r]); counts[k + 1] = trainCount[r]; toIndex[r] = k + 1; });
  return { vocab: new Vocabulary(ids, counts, seen.length), toIndex };
}
