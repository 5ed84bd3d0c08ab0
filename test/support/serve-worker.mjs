// serve-worker.ts for Node's worker threads, which cannot load TypeScript:
// the same script over the built package (npm test builds it first).
import { parentPort } from 'node:worker_threads';
import { serve } from '../../dist/worker.js';

serve(parentPort);
parentPort.on('message', (message) => {
  if (message?.crash) {
    setTimeout(() => {
      throw new Error('crashed on purpose');
    });
  }
});
