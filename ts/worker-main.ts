/** The package's own worker (`worker: true`): an authority served on the worker's scope. */
import { serve } from './worker.ts';

serve();
