// The one request handler every example host shares (the Worker, Deno, Bun and Node servers, the
// browser page): parses `GET /recommend?history=ID,ID,...&topN=10[&filterHistory=1][&user=ID]`,
// asks a `Recommender` and answers `{ items: [{ item, score }], unknown: [...] }`, or a JSON
// `{ error }` with 400 for a missing, empty, oversized or unknown-only history, a bad topN or a
// missing/oversized user id (MIND with per-user routing needs `user`), 404 for other paths, 405
// for other methods. Plain JS on Web-standard Request/Response so every host imports it as is.

const MAX_TOP_N = 1000;
/** Most ids in one history, and longest history parameter / id / user id (characters). */
const MAX_HISTORY_IDS = 1000;
const MAX_HISTORY_CHARS = 65536;
const MAX_ID_CHARS = 256;

/** Error answered as JSON with an HTTP status. */
export class HttpError extends Error {
  constructor(status, message, extra = {}) {
    super(message);
    this.status = status;
    this.extra = extra;
  }
}

/** Parse the query of /recommend; throws HttpError(400) with a message a caller can act on. */
export function parseQuery(params) {
  const raw = params.get('history');
  if (raw === null) throw new HttpError(400, 'missing history: use /recommend?history=ID,ID,... (raw item ids, oldest first)');
  if (raw.length > MAX_HISTORY_CHARS) throw new HttpError(400, `history too long: ${raw.length} characters, at most ${MAX_HISTORY_CHARS}`);
  const history = raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (!history.length) throw new HttpError(400, 'empty history: give at least one raw item id, e.g. ?history=ID,ID,...');
  if (history.length > MAX_HISTORY_IDS) throw new HttpError(400, `history too long: ${history.length} ids, at most ${MAX_HISTORY_IDS} (only the latest ones are used anyway)`);
  if (history.some((id) => id.length > MAX_ID_CHARS)) throw new HttpError(400, `history has an id longer than ${MAX_ID_CHARS} characters`);
  const user = params.get('user');
  if (user !== null && (user.trim() === '' || user.length > MAX_ID_CHARS)) throw new HttpError(400, `user must be a raw user id of 1..${MAX_ID_CHARS} characters`);
  let topN = 10;
  const t = params.get('topN');
  if (t !== null && t !== '') {
    topN = Number(t);
    if (!Number.isInteger(topN) || topN < 1 || topN > MAX_TOP_N) throw new HttpError(400, `topN must be an integer in 1..${MAX_TOP_N}, got "${t}"`);
  }
  const f = params.get('filterHistory');
  const filterHistory = f === '1' || f === 'true';
  return { history, topN, filterHistory, user: user === null ? undefined : user.trim() };
}

/** Answer one parsed query: `{ items, unknown }`, or HttpError(400) when no id is known. */
export function recommendQuery(rec, { history, topN, filterHistory, user }) {
  const unknown = history.filter((id) => rec.vocab.index(id) <= 0);
  if (unknown.length === history.length) {
    throw new HttpError(400, `unknown history: none of the ${history.length} ids is in the model's vocabulary`, { unknown });
  }
  // MIND trained with servingRouting 'perUser' draws its routing from the user id's hash.
  const perUser = rec.model.config.servingRouting === 'perUser';
  if (perUser && user === undefined) throw new HttpError(400, 'missing user: this model routes per user; add &user=ID (the raw user id)');
  const items = rec.recommend(history, { topN, filterHistory, user: perUser ? user : undefined }).map((r) => ({ item: r.item, score: r.score }));
  return { items, unknown };
}

/** `{ status, body }` for a URL's search params (what the browser page renders). */
export function answer(rec, params) {
  try {
    return { status: 200, body: recommendQuery(rec, parseQuery(params)) };
  } catch (e) {
    if (e instanceof HttpError) return { status: e.status, body: { error: e.message, ...e.extra } };
    return { status: 500, body: { error: String(e && e.message ? e.message : e) } };
  }
}

const json = (status, body) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });

/** The fetch handler: `getRecommender` returns (a promise of) the loaded Recommender. */
export async function handle(request, getRecommender) {
  const url = new URL(request.url);
  if (url.pathname !== '/recommend') return json(404, { error: `not found: ${url.pathname}; use GET /recommend?history=ID,ID,...&topN=10` });
  if (request.method !== 'GET') return json(405, { error: `method ${request.method} not allowed; use GET` });
  let rec;
  try {
    rec = await getRecommender();
  } catch (e) {
    return json(500, { error: `model failed to load: ${e && e.message ? e.message : e}` });
  }
  const { status, body } = answer(rec, url.searchParams);
  return json(status, body);
}
