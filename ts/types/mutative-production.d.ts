// mutative ships no declarations beside its production build; they are the
// package's own (ts/mutative.ts reads them as typeof import('mutative')).
declare module 'mutative/dist/mutative.esm.production.min.mjs';
