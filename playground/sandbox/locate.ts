/** Where in a source text something is, as editors count: 1-based lines and columns. */

/** The line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/**
 * The place of a quoted string an error message names (a contract
 * path such as 'domian_ctx.items') in the source, if it is there: core
 * errors name the path but cannot know where the user wrote it.
 */
export function findQuoted(text: string, message: string): { line: number; column: number } | undefined {
  // The last one first: messages name the process, then the path at fault.
  for (const [, quoted] of [...message.matchAll(/'([^'\n]{1,200})'/g)].reverse()) {
    for (const candidate of [`'${quoted}'`, `"${quoted}"`, `\`${quoted}\``]) {
      const at = text.indexOf(candidate);
      if (at >= 0) return lineColumn(text, at + 1);
    }
  }
  return undefined;
}

/** A JSON.parse error's place: V8 says "at position N" or "(line L column C)". */
export function jsonErrorPlace(text: string, message: string): { line: number; column: number } | undefined {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return { line: Number(lc[1]), column: Number(lc[2]) };
  const position = /position (\d+)/.exec(message);
  return position ? lineColumn(text, Number(position[1])) : undefined;
}
