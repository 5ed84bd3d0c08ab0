// Which mode the suite runs in: 'local', or 'worker' (see worker-mode.ts).
// A test that cannot hold across a thread says why where it checks this.
import * as theus from 'theus';

export const workerMode = (theus as { testMode?: string }).testMode === 'worker';
