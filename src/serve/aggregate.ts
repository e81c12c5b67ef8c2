// The controllable aggregation moved to eval/aggregate.ts so that ann/ (same layer, imported by
// serve) can use it without a folder cycle; this re-export keeps `serve/aggregate.js` imports working.
export * from '../eval/aggregate.js';
