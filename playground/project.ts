/**
 * A playground project: everything the user edits, what an example is and
 * what a shared link holds.
 */
export interface Project {
  title: string;
  /** JSON text: the initial context (`{ global_ctx, domain_ctx, local_ctx }`). */
  context: string;
  /** An ES module (JavaScript or TypeScript) that imports from 'theus' and exports processes. */
  processes: string;
  /** Flux YAML; empty for none. */
  workflow: string;
  /** Audit recipe YAML; empty for none. */
  recipe: string;
  options?: { strictMode?: boolean; maxRetries?: number };
}
