/**
 * The text form in which a commit's written paths cross into the core (see
 * rust/engine/src/wire.rs): keys joined by U+001F, paths by U+001E, U+001D
 * escaping any of the three inside a key. One string crosses far more
 * cheaply than nested arrays converted value by value.
 */
const escape = (key: string | number): string => (typeof key === 'number' ? String(key) : key.replace(/[\u001d-\u001f]/g, '\u001d$&'));

export function encodePaths(paths: readonly (readonly (string | number)[])[]): string {
  return paths.map((keys) => keys.map(escape).join('\u001f')).join('\u001e');
}
