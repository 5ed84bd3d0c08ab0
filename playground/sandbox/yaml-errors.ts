/**
 * YAML errors with their place: syntax errors before the core sees the
 * text, and the place of what a core message names in the YAML (a recipe
 * key path, a process name), which the core cannot give for a recipe.
 */
import { isMap, isScalar, isSeq, type Node, parseDocument, visit } from 'yaml';
import { lineColumn } from './locate.ts';
import type { Diagnostic, EditorName } from './protocol.ts';

type Place = { line: number; column: number };

/** The YAML syntax errors of `text` (none for empty text), at their line and column. */
export function yamlDiagnostics(text: string, editor: EditorName): Diagnostic[] {
  if (text.trim() === '') return [];
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  return document.errors.map((error) => ({
    editor,
    name: 'YAMLError',
    message: error.message.split('\n')[0],
    ...(error.linePos ? { line: error.linePos[0].line, column: error.linePos[0].col } : {}),
  }));
}

/** 'process_recipes.p.inputs[0].level' as the keys and indexes it walks. */
function pathSegments(path: string): (string | number)[] {
  return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]));
}

/**
 * The place of the recipe entry a core message names ("audit recipe:
 * process_recipes.p.inputs[0].level: unknown level 'D'"): its value, or for
 * "unknown key 'x'" that key. Undefined when the message names no path.
 */
export function recipeErrorPlace(text: string, message: string): Place | undefined {
  const match = /^audit recipe: ([\w.[\]]+): (.*)$/s.exec(message);
  if (!match) return undefined;
  const segments = pathSegments(match[1]);
  const unknownKey = /^unknown key '([^']+)'/.exec(match[2]);
  if (unknownKey) segments.push(unknownKey[1]);
  let node: unknown = parseDocument(text).contents;
  let found: Node | undefined = node as Node | undefined;
  for (const [i, segment] of segments.entries()) {
    const last = i === segments.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) break;
      found = (last && unknownKey) || !pair.value ? (pair.key as Node) : (pair.value as Node);
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment]) {
      found = node.items[segment] as Node;
      node = found;
    } else break;
  }
  return found?.range ? lineColumn(text, found.range[0]) : undefined;
}

/** The place of the first plain value equal to `value` (a process name a workflow runs). */
export function yamlValuePlace(text: string, value: string): Place | undefined {
  let place: Place | undefined;
  visit(parseDocument(text), {
    Scalar(key, node) {
      if (key !== 'key' && node.value === value && node.range) {
        place = lineColumn(text, node.range[0]);
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return place;
}
