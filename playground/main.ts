// The playground page: the editors, the run controls and the views (ui/),
// over a sandbox that runs the engine and the user's code in a worker.
import { Sandbox } from './sandbox/client.ts';
import { App } from './ui/app.ts';

// The examples and share links (playground/examples/, playground/share.ts) are
// being written; until they land the page opens empty and Share says so.
const share = {
  encode: () => Promise.reject(new Error('sharing is not built yet')),
  decode: () => Promise.reject(new Error('sharing is not built yet')),
};
const app = new App(new Sandbox(), [], share);
app.start().catch((error: unknown) => {
  // start() shows its own errors; this is for a fault in the page itself.
  const status = document.getElementById('status');
  if (status) {
    status.textContent = `The playground failed to start: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
    status.dataset.kind = 'error';
  }
  throw error;
});
