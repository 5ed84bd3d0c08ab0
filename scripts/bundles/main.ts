// Runs the README example in the page and shows its result (or its error).
import { main } from '../../examples/readme.ts';

const out = document.getElementById('out')!;
main().then(
  (result) => (out.textContent = `ok ${result}`),
  (error: unknown) => (out.textContent = `error ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`),
);
