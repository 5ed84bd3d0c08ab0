/** YAML syntax errors with their place, before the core sees the text. */
import { parseDocument } from 'yaml';
import type { Diagnostic, EditorName } from './protocol.ts';

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
