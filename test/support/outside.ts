// Runs `fn` as another caller would, outside the running process body: a
// test's way to make a conflicting commit land while a process awaits
// (starting one from inside a body is refused).
export function outside<T>(fn: () => Promise<T>): Promise<T> {
  return new Promise<void>((resolve) => setTimeout(resolve, 0)).then(fn);
}
