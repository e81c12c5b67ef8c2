// ABI of the routing kernel family (assembly/routing.ts): export name -> argument kinds.
import type { AbiTable } from './types.js';

export const ROUTING_ABI = {
  // (h [B,T,D], logits [B,T,K] in place, mask [B,T,K], c [B,T,K] out, s, u [B,K,D] scratch, B, T, K, D, iters):
  // MIND's untaped routing iterations, then c = softmax(logits, mask)
  route_shared_f32: 'ppppppiiiii',
} as const satisfies AbiTable;
