// Item → category lookups shared by Diversity@N (eval) and controllable aggregation (serve).
// One type accepts a dense table, a Map or a function; an item without a category is reported
// as `undefined` and callers treat it as its own singleton category (docs/protocols.md#retrieval-metrics,
// docs/model-guide.md#controllable-aggregation).

/** A category label: a dense id or a name. */
export type CategoryKey = number | string;

/**
 * Where an item's category comes from:
 * - `ArrayLike<number>` indexed by item id (e.g. an `Int32Array`); a negative value, NaN or an
 *   index past the end means "uncategorised";
 * - `ReadonlyMap<number, CategoryKey>`; a missing key means "uncategorised";
 * - a function returning the category or `undefined`.
 */
export type CategoryLookup =
  | ArrayLike<number>
  | ReadonlyMap<number, CategoryKey>
  | ((item: number) => CategoryKey | undefined);

/**
 * Normalise a {@link CategoryLookup} into one function `item → category | undefined`.
 * @param lookup table, map or function
 * @returns a function that is `undefined` for uncategorised items
 */
export function categoryOf(lookup: CategoryLookup): (item: number) => CategoryKey | undefined {
  if (typeof lookup === 'function') return lookup;
  if (typeof (lookup as ReadonlyMap<number, CategoryKey>).get === 'function') {
    const map = lookup as ReadonlyMap<number, CategoryKey>;
    return (item) => map.get(item);
  }
  const table = lookup as ArrayLike<number>;
  return (item) => {
    const c = item >= 0 && item < table.length ? table[item] : undefined;
    return c === undefined || !(c >= 0) ? undefined : c;
  };
}

/**
 * Dense category indices for a list of items: equal categories get equal indices 0..C−1 in
 * order of first appearance; uncategorised items get −1.
 * @param items item ids
 * @param lookup item → category
 * @returns `{ index, count }`, `index[i]` the dense category of `items[i]`, `count` = C
 */
export function denseCategories(
  items: ArrayLike<number>,
  lookup: CategoryLookup,
): { index: Int32Array; count: number } {
  const cate = categoryOf(lookup);
  const ids = new Map<CategoryKey, number>();
  const index = new Int32Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const c = cate(items[i]);
    if (c === undefined) {
      index[i] = -1;
      continue;
    }
    let d = ids.get(c);
    if (d === undefined) ids.set(c, (d = ids.size));
    index[i] = d;
  }
  return { index, count: ids.size };
}
