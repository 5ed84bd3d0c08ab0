// A worker script of the kind users write (see README "Worker mode"): it
// serves an authority. For fault tests it also crashes on request.
import { serve } from '../../ts/worker.ts';

serve();
addEventListener('message', (event) => {
  if ((event as MessageEvent).data?.crash) {
    setTimeout(() => {
      throw new Error('crashed on purpose');
    });
  }
});
