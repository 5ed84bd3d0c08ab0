// The worker of bench/worker.bench.ts: an authority (as serve() makes it)
// plus a bare comlink endpoint on the same thread, so that a worker-mode
// execute can be compared with a plain comlink round trip to one worker.
import { parentPort } from 'node:worker_threads';
import { expose } from 'comlink';
import { serve } from '../dist/worker.js';

serve(parentPort);
parentPort.on('message', (message) => {
  if (message?.echoPort) expose({ ping: (x) => x }, message.echoPort);
});
