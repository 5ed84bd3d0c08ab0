// One tab of scripts/check-tabs.mjs: an engine on the state the tabs share,
// driven from Playwright through `window.tabs`.
import { process, TheusEngine, TheusError } from 'theus';
import { indexedDbStorage } from 'theus/storage/indexeddb';

const via = new URLSearchParams(location.search).get('via') as 'shared-worker' | 'web-locks';
const name = `check-${via}`;
const out = document.getElementById('out')!;

const increment = process({ name: 'increment', outputs: ['domain_ctx.count'] }, function increment(ctx: { domain_ctx: { count: number } }) {
  ctx.domain_ctx.count += 1;
});

try {
  const engine = await TheusEngine.create({ domain_ctx: { count: 0 } }, { storage: indexedDbStorage(name), worker: { shared: name, via } });
  engine.register(increment);
  const tabs = {
    count: () => (engine.state.domain_ctx as { count: number }).count,
    version: () => engine.version,
    /** Runs `n` increments one after another; says how many resolved and what the others were rejected with. */
    async increment(n: number) {
      let resolved = 0;
      const rejected: string[] = [];
      for (let i = 0; i < n; i += 1) {
        try {
          await engine.execute(increment);
          resolved += 1;
        } catch (error) {
          rejected.push(error instanceof TheusError ? `TheusError: ${error.message}` : String(error));
        }
      }
      return { resolved, rejected };
    },
    /** Resolves once this tab shows `version` (another tab's commits arrive by broadcast). */
    async at(version: number) {
      while (engine.version < version) await new Promise((resolve) => setTimeout(resolve, 10));
      return tabs.count();
    },
  };
  (window as unknown as { tabs: typeof tabs }).tabs = tabs;
  out.textContent = 'ready';
} catch (error) {
  out.textContent = `error ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
}
