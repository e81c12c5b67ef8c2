// Item categories from files, for Diversity@N and the controllable aggregation (docs/protocols.md#retrieval-datasets,
// docs/protocols.md#aggregation-sweep): MovieLens `movies.csv` (a movie's category is the least frequent of its genres, frequency
// counted over the catalogue's items) or any `item<delim>category` text. Mapped onto a
// vocabulary: a dense table indexed by item index, −1 for items without a category.
import { forEachLine, sourceName, type DataSource } from './read-lines.js';
import { splitLine } from './formats.js';
import type { Vocabulary } from './vocab.js';

export interface ItemCategories {
  /** Category id per vocabulary index (−1: none, including padding row 0). */
  table: Int32Array;
  /** Category names by id. */
  names: string[];
  /** Catalogue items the file gives no category. */
  uncategorised: number;
  /** File lines naming items outside the vocabulary (e.g. removed by the 5/5 filter). */
  unknownItems: number;
}

/**
 * Read item categories for `vocab`. `format` 'auto' picks 'movielens' for a `movieId,title,genres`
 * header and 'pairs' (`item,category`, comma or tab, optional header line) otherwise.
 * @throws naming the file and line for a line without a category column
 */
export async function readItemCategories(src: DataSource, vocab: Vocabulary, format: 'auto' | 'movielens' | 'pairs' = 'auto'): Promise<ItemCategories> {
  const name = sourceName(src);
  const perItem = new Map<number, string[]>(); // vocabulary index → candidate categories
  let unknownItems = 0, kind = format, delim = ',';
  await forEachLine(src, (line, no) => {
    if (no === 1) {
      if (kind === 'auto') kind = /^movieId,title,genres/i.test(line) ? 'movielens' : 'pairs';
      if (kind === 'pairs' && line.includes('\t')) delim = '\t';
      if (kind === 'movielens') return;
    }
    if (!line.trim()) return;
    const cells = splitLine(line, delim);
    if (cells.length < 2) throw new Error(`${name}:${no}: expected "item${delim === '\t' ? '<tab>' : ','}category", got ${JSON.stringify(line.slice(0, 80))}`);
    const item = vocab.index(cells[0].trim());
    if (item <= 0) {
      if (no > 1) unknownItems++; // line 1 of a pairs file may be a header
      return;
    }
    const cats = kind === 'movielens'
      ? cells[cells.length - 1].split('|').map((g) => g.trim()).filter((g) => g && g !== '(no genres listed)')
      : [cells[1].trim()].filter(Boolean);
    if (cats.length) perItem.set(item, cats);
  });
  // Least frequent candidate (ties: first by name); 'pairs' has one candidate per item.
  const freq = new Map<string, number>();
  for (const cats of perItem.values()) for (const c of cats) freq.set(c, (freq.get(c) ?? 0) + 1);
  const names = [...freq.keys()].sort();
  const id = new Map(names.map((n, i) => [n, i]));
  const table = new Int32Array(vocab.size).fill(-1);
  for (const [item, cats] of perItem) {
    const pick = cats.reduce((a, b) => (freq.get(b)! < freq.get(a)! || (freq.get(b) === freq.get(a) && b < a) ? b : a));
    table[item] = id.get(pick)!;
  }
  return { table, names, uncategorised: vocab.size - 1 - perItem.size, unknownItems };
}
