/**
 * YAML documents given as a file path (Node/Deno), a URL, YAML text, or an
 * already parsed object: workflows and audit recipes. Parsing keeps source
 * positions, so that an error the core reports at a node (a WorkflowError
 * with a `location`) gets the node's line and column. The caller brings the
 * file reading and the error classes: this module imports nothing of the
 * engine's, so that bundlers ship it, the YAML parser and nothing else, as
 * one lazily loaded piece.
 */
import { LineCounter, parseDocument, isScalar, type Document } from 'yaml';
import type { WorkflowErrorDetails } from './errors.ts';
import type { HostURL } from './host-types.ts';

/** A file path (Node/Deno), a URL, YAML text, or an already parsed object. */
export type YamlSource = string | HostURL | object;

export interface Loaded {
  tree: unknown;
  /** Where the node at `location` starts (`offset` characters into it, in a scalar), where the source was YAML. */
  place(location: (string | number)[], offset?: number): { line: number; column: number } | undefined;
}

type SyntaxErrorOf = (message: string, details: WorkflowErrorDetails) => Error;

/** How files and URLs are read (see runtime.ts). */
export interface Reader {
  readText(url: HostURL): Promise<string>;
  /** A path as a file: URL, or undefined where there is no file system. */
  fileUrl(path: string): HostURL | undefined;
}

/** Whether a string is YAML text rather than a path (`C:\flows\a.yaml` too) or a URL. */
export const looksLikeYaml = (text: string): boolean =>
  text.includes('\n') || (/^\s*([\w-]+\s*:|[-[{])/.test(text) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(text) && !/^[a-z]:[\\/]/i.test(text));

export async function loadYaml(source: YamlSource, what: string, syntaxError: SyntaxErrorOf, reader: Reader): Promise<Loaded> {
  // A file or URL that cannot be read is the caller's error of the right class, naming it.
  const read = (url: URL, origin: string): Promise<string> =>
    reader.readText(url).catch((error: unknown) => {
      throw syntaxError(`${what} '${origin}' cannot be read: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    });
  if (source instanceof URL) return parseYaml(await read(source, source.href), source.href, syntaxError);
  if (typeof source === 'string') {
    if (looksLikeYaml(source)) return parseYaml(source, `${what} text`, syntaxError);
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) return parseYaml(await read(new URL(source), source), source, syntaxError);
    const url = reader.fileUrl(source);
    if (!url) throw new TypeError(`${what} '${source}': file paths need a file system (Node, Deno or Bun); pass a URL, the YAML text or a parsed object`);
    return parseYaml(await read(url, source), source, syntaxError);
  }
  if (typeof source === 'object' && source !== null) return { tree: source, place: () => undefined };
  throw new TypeError(`${what}: expected a file path, a URL, YAML text or a parsed object, got ${source === null ? 'null' : typeof source}`);
}

/** The longest YAML text read, in characters: far beyond any workflow or recipe, far below what exhausts memory. */
export const MAX_YAML_LENGTH = 2 ** 20;

export function parseYaml(text: string, origin: string, syntaxError: SyntaxErrorOf): Loaded {
  if (text.length > MAX_YAML_LENGTH) {
    throw syntaxError(`${origin} cannot be read: it is ${text.length} characters long, more than the ${MAX_YAML_LENGTH} YAML text may be`, {});
  }
  const lineCounter = new LineCounter();
  // The parser recurses per nesting level and expands aliases: a document
  // nested thousands deep, or an alias bomb, is refused, not a crash.
  const refuse = (error: unknown): never => {
    const why = error instanceof RangeError ? 'it is nested too deeply' : error instanceof Error ? error.message : String(error);
    throw syntaxError(`${origin} cannot be read: ${why}`, { cause: error });
  };
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  } catch (error) {
    return refuse(error);
  }
  const [problem] = doc.errors;
  if (problem) {
    const [start] = problem.linePos ?? [];
    // The parser catches its own stack overflow and reports it as a problem at a position.
    const what = problem.code === 'RESOURCE_EXHAUSTION' ? 'cannot be read: it is nested too deeply' : `is not valid YAML: ${problem.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`;
    throw syntaxError(`${origin} ${what}${start ? ` (line ${start.line}, column ${start.col})` : ''}`, {
      line: start?.line,
      column: start?.col,
      cause: problem,
    });
  }
  let tree: unknown;
  try {
    tree = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return refuse(error);
  }
  return {
    tree,
    place: (location, offset) => {
      const node = location.length ? doc.getIn(location, true) : doc.contents;
      const range = (node as { range?: [number, number, number] } | null)?.range;
      if (!range) return undefined;
      let start = range[0];
      if (offset !== undefined && isScalar(node)) start += offset + (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0);
      const { line, col } = lineCounter.linePos(start);
      return { line, column: col };
    },
  };
}
