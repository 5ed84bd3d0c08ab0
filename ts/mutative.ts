/**
 * mutative, the copy-on-write library under drafts, from its production
 * build: the default build reads `process.env.NODE_ENV`, which a browser
 * without a bundler, an edge bundle or Deno without env access does not
 * have. The production build reads nothing of the host.
 */
import * as production from 'mutative/dist/mutative.esm.production.min.mjs';
import type * as Mutative from 'mutative';

export type { Draft, Patches } from 'mutative';

const library = production as unknown as typeof Mutative;
export const { apply, create, current, isDraft } = library;
