// The input format of the field layers and tag-profile models (UTPM, MVKE and baselines,
// docs/model-guide.md#utpm, #mvke): the field schema, one user's values, padded batches of unique users and of
// labelled rows. Multi-valued fields are id lists with positive weights (counts); single-valued
// fields are one id. Id 0 is padding/missing. Readers that build these live in data/.

/** One input field. */
export interface FieldSpec {
  /** Field name, e.g. 'hist_items', 'activity'. */
  name: string;
  /** 'multi': weighted id list; 'single': one id per user. */
  kind: 'multi' | 'single';
  /** Rows of the value table, padding row 0 included. */
  size: number;
  /** Optional name of another field whose value table this one shares (UTPM `table`). */
  table?: string;
}

/** One user's values, aligned with the schema: multi fields as (ids, weights), single as an id. */
export type UserFields = ({ ids: Int32Array; weights: Float32Array } | number)[];

/** Padded values of Bu unique users. */
export interface FieldBatch {
  /** Unique users in the batch. */
  B: number;
  /** Per field, in schema order: multi → ids/weights [B*n] (0 = padding) with width n; single → ids [B]. */
  values: ({ kind: 'multi'; n: number; ids: Int32Array; weights: Float32Array } | { kind: 'single'; ids: Int32Array })[];
}

/** Pad the fields of `users` into one batch (width of a multi field = its longest list, at least 1). */
export function fieldBatch(schema: readonly FieldSpec[], users: readonly UserFields[]): FieldBatch {
  const B = users.length;
  const values: FieldBatch['values'] = schema.map((spec, f) => {
    if (spec.kind === 'single') {
      const ids = new Int32Array(B);
      users.forEach((u, b) => {
        const v = u[f];
        if (typeof v !== 'number') throw new Error(`fieldBatch: field "${spec.name}" is single-valued but user ${b} holds a list`);
        ids[b] = v;
      });
      return { kind: 'single', ids };
    }
    let n = 1;
    for (const u of users) {
      const v = u[f];
      if (typeof v === 'number') throw new Error(`fieldBatch: field "${spec.name}" is multi-valued but user holds one id`);
      n = Math.max(n, v.ids.length);
    }
    const ids = new Int32Array(B * n);
    const weights = new Float32Array(B * n);
    users.forEach((u, b) => {
      const v = u[f] as { ids: Int32Array; weights: Float32Array };
      ids.set(v.ids, b * n);
      weights.set(v.weights, b * n);
    });
    return { kind: 'multi', n, ids, weights };
  });
  return { B, values };
}

/** Training rows, column-wise: `user` indexes the caller's user list. */
export interface RowSet {
  user: Int32Array;
  /** Item index (item rows) or tag id (tag rows). */
  key: Int32Array;
  click: Uint8Array;
  conversion: Uint8Array;
}

/** A batch of labelled rows over Bu unique users. */
export interface TagBatch {
  /** Fields of the unique users. */
  users: FieldBatch;
  /** Rows. */
  B: number;
  /** [B] index of the row's user in `users`. */
  rowUser: Int32Array;
  /** Tag ids per row, padded: [B*m], 0 = padding (m = 1 for tag rows). */
  tags: Int32Array;
  /** Width m of `tags`. */
  m: number;
  /** [B] labels. */
  click: Float32Array;
  conversion: Float32Array;
}

/** Tasks of the tag-profile models. */
export type TagTask = 'ctr' | 'cvr';
