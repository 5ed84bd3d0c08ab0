/**
 * Loading the user's processes module in the sandbox worker, as a module:
 * TypeScript is stripped (sucrase), every `'theus'` import is pointed at a
 * small module that re-exports this worker's own theus, and the result is
 * imported from a Blob URL. Nothing is evaluated as a string (no eval, no
 * Function); a syntax error comes back with its line and column.
 */
import { init as lexerReady, parse } from 'es-module-lexer';
import { transform } from 'sucrase';
import * as theus from 'theus';
import type { Diagnostic } from './protocol.ts';

const SHARED = '__theusPlayground';

let shimUrl: string | undefined;

/** A module that hands out this worker's theus exports, so user code and the sandbox share one engine class. */
function theusShim(): string {
  if (!shimUrl) {
    (globalThis as Record<string, unknown>)[SHARED] = theus;
    const names = Object.keys(theus).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'default');
    const body = `const t = globalThis.${SHARED};\n${names.map((name) => `export const ${name} = t.${name};`).join('\n')}\n`;
    shimUrl = URL.createObjectURL(new Blob([body], { type: 'text/javascript' }));
  }
  return shimUrl;
}

/** `url` is the module's address, which stack traces of errors in its code name. */
export type Loaded = { ok: true; module: Record<string, unknown>; url: string } | { ok: false; diagnostic: Diagnostic };

/** A place sucrase's message gives: "Unexpected token (3:14)", 1-based line, 0-based column. */
function syntaxDiagnostic(error: unknown): Diagnostic {
  const message = error instanceof Error ? error.message : String(error);
  const place = /\((\d+):(\d+)\)\s*$/.exec(message);
  return {
    editor: 'processes',
    name: 'SyntaxError',
    message: message.replace(/\s*\(\d+:\d+\)\s*$/, ''),
    ...(place ? { line: Number(place[1]), column: Number(place[2]) + 1 } : {}),
  };
}

/** Readies the import lexer (a wasm module of its own) before the first timed load. */
export async function warmUpLoader(): Promise<void> {
  await lexerReady;
}

/** The user's module, imported from a Blob URL with its 'theus' imports rewritten; or a diagnostic saying why not. */
export async function loadModule(source: string): Promise<Loaded> {
  let code: string;
  try {
    // Line numbers are kept (sucrase only removes types), so runtime errors point at the user's lines.
    code = transform(source, { transforms: ['typescript'], disableESTransforms: true, keepUnusedImports: true }).code;
  } catch (error) {
    return { ok: false, diagnostic: syntaxDiagnostic(error) };
  }
  await lexerReady;
  let imports;
  try {
    [imports] = parse(code);
  } catch (error) {
    return { ok: false, diagnostic: syntaxDiagnostic(error) };
  }
  let rewritten = '';
  let last = 0;
  for (const entry of imports) {
    if (entry.d === -2) continue; // import.meta
    if (entry.d > -1 || entry.n !== 'theus') {
      const place = code.slice(0, entry.s).split('\n');
      return {
        ok: false,
        diagnostic: { editor: 'processes', name: 'ImportError', message: entry.d > -1 ? 'a dynamic import() cannot be used here: import from \'theus\' at the top' : `only 'theus' can be imported here, not '${entry.n}'`, line: place.length, column: place[place.length - 1].length + 1 },
      };
    }
    rewritten += code.slice(last, entry.s) + theusShim();
    last = entry.e;
  }
  rewritten += code.slice(last);
  const url = URL.createObjectURL(new Blob([rewritten], { type: 'text/javascript' }));
  try {
    return { ok: true, module: (await import(/* @vite-ignore */ url)) as Record<string, unknown>, url };
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { ok: false, diagnostic: { editor: 'processes', name: error instanceof Error ? error.name : 'Error', message: `the module failed while loading: ${message}` } };
  } finally {
    URL.revokeObjectURL(url);
  }
}
