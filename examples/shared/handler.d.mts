// Types of handler.mjs for TypeScript hosts (the Worker example). Structural, so they need no
// DOM or Workers type package beyond what the host's own tsconfig provides.
import type { Recommender } from 'mirec';

export interface Query {
  history: string[];
  topN: number;
  filterHistory: boolean;
  /** Raw user id (`&user=`): needed by MIND with per-user serving routing. */
  user?: string;
}

export interface Answer {
  status: number;
  body: { items?: { item: string; score: number }[]; unknown?: string[]; error?: string };
}

export declare class HttpError extends Error {
  constructor(status: number, message: string, extra?: Record<string, unknown>);
  status: number;
  extra: Record<string, unknown>;
}

/** Parse the query of /recommend; throws HttpError(400) with a message a caller can act on. */
export declare function parseQuery(params: { get(name: string): string | null }): Query;

/** `{ status, body }` for a URL's search params (what the browser page renders). */
export declare function answer(rec: Recommender, params: { get(name: string): string | null }): Answer;

/** The fetch handler: `getRecommender` returns (a promise of) the loaded Recommender. */
export declare function handle(request: Request, getRecommender: () => Recommender | Promise<Recommender>): Promise<Response>;
