// The multi-interest merge moved to eval/merge.ts so that ann/ (same layer, imported by serve)
// can use it without a folder cycle; this re-export keeps `serve/merge.js` imports working.
export * from '../eval/merge.js';
