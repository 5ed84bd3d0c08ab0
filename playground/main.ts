// The playground page: the editors, the run controls and the views (ui/),
// over a sandbox that runs the engine and the user's code in a worker.
import { examples } from './examples/index.ts';
import { Sandbox } from './sandbox/client.ts';
import { shareCodec } from './share.ts';
import { App } from './ui/app.ts';

const app = new App(new Sandbox(), examples, shareCodec);
app.start().catch((error: unknown) => {
  // start() shows its own errors; this is for a fault in the page itself.
  const status = document.getElementById('status');
  if (status) {
    status.textContent = `The playground failed to start: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
    status.dataset.kind = 'error';
  }
  throw error;
});
