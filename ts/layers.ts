/**
 * The path rules the guard applies per property access, fetched once from
 * the core (where they are defined) rather than restated here.
 */
import { pathRules } from './core.ts';

/** The canonical layer names, in the core's order. */
export type LayerName = 'global_ctx' | 'domain_ctx' | 'local_ctx';

interface Rules {
  layers: [LayerName, string][];
  forbiddenKeys: string[];
}

export interface LayerRules {
  names: readonly LayerName[];
  /** Alias -> canonical name (`domain` -> `domain_ctx`). */
  aliases: Readonly<Record<string, LayerName>>;
  forbiddenKeys: readonly string[];
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
    };
  }
  return cached;
}
