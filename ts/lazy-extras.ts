/**
 * The extras (worker mode, workflows, storage, the undo step and more; see
 * extras.ts), loaded on first use. Every caller shares the one load: a
 * module loader may hand a concurrent importer of a module that is still
 * evaluating, and that sits in an import cycle (the extras import the
 * engine, which loads them), its exports before they are all set (Vite's
 * module runner does, under which the workerd tests run). A failed load can
 * be tried again.
 */
let loading: Promise<typeof import('./extras.ts')> | undefined;

export const extras = (): Promise<typeof import('./extras.ts')> =>
  (loading ??= import('./extras.ts').catch((error: unknown) => {
    loading = undefined;
    throw error;
  }));
