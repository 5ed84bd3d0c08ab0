/**
 * The path rules the guard applies per property access, fetched once from
 * the core (where they are defined) rather than restated here.
 */
import { pathRules } from './core.ts';
import { nestsDeeper } from './value-text.ts';

/** The canonical layer names, in the core's order. */
export type LayerName = 'global_ctx' | 'domain_ctx' | 'local_ctx';

interface Rules {
  layers: [LayerName, string][];
  forbiddenKeys: string[];
  maxValueDepth: number;
}

export interface LayerRules {
  names: readonly LayerName[];
  /** Alias -> canonical name (`domain` -> `domain_ctx`). */
  aliases: Readonly<Record<string, LayerName>>;
  forbiddenKeys: readonly string[];
  /** How deeply a value given to the core may nest (deeper, or cyclic, is refused). */
  maxValueDepth: number;
}

let cached: LayerRules | undefined;

/** Needs `init()`; every caller runs inside an engine, which ensures it. */
export function layerRules(): LayerRules {
  if (!cached) {
    const rules = pathRules() as unknown as Rules;
    cached = {
      names: rules.layers.map(([name]) => name),
      aliases: Object.fromEntries(rules.layers.map(([name, alias]) => [alias, name])),
      forbiddenKeys: rules.forbiddenKeys,
      maxValueDepth: rules.maxValueDepth,
    };
  }
  return cached;
}

/**
 * Throws `refuse(message)` if `value` nests deeper than the core accepts (or
 * is cyclic). Checked before a value is sent to another thread, where
 * structured clone would fail on it first with a stack overflow.
 */
export function checkDepth(value: unknown, refuse: (message: string) => Error): void {
  const limit = layerRules().maxValueDepth;
  if (nestsDeeper(value, limit)) throw refuse(`nested more than ${limit} levels deep (or cyclic)`);
}
