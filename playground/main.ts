// The playground's first page: loads the engine in the browser, shows the
// core's version, and compiles a contract as you type.
import { coreVersion, process, TheusEngine, TheusError } from 'theus';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = byId<HTMLParagraphElement>('status');
const input = byId<HTMLTextAreaElement>('contract');
const strict = byId<HTMLInputElement>('strict');
const result = byId<HTMLPreElement>('result');

input.value = JSON.stringify(
  { inputs: ['domain.items'], outputs: ['domain_ctx.items', 'domain_ctx.total_value', 'domain_ctx.sig_restock_needed'] },
  null,
  2,
);

function show(text: string, isError: boolean): void {
  result.textContent = text;
  result.classList.toggle('error', isError);
}

function compile(): void {
  let contract: unknown;
  try {
    contract = JSON.parse(input.value);
  } catch (error) {
    return show(`Not JSON: ${(error as Error).message}`, true);
  }
  // A fresh engine each time: a name can be registered once per engine.
  const engine = new TheusEngine({ global_ctx: {}, domain_ctx: {}, local_ctx: {} }, { strictMode: strict.checked });
  try {
    // An explicit default name: a minified bundle renames functions.
    const named = { name: 'playground_process', ...(contract as object) };
    engine.register(process(named, () => {}));
    show(JSON.stringify(engine.contractOf(String(named.name)), null, 2), false);
  } catch (error) {
    if (!(error instanceof TheusError || error instanceof TypeError)) throw error;
    show(`${error.name}: ${error.message}`, true);
  } finally {
    engine.dispose();
  }
}

TheusEngine.create({ domain_ctx: {} }).then(
  (engine) => {
    engine.dispose();
    status.textContent = `Theus core ${coreVersion()} loaded.`;
    input.addEventListener('input', compile);
    strict.addEventListener('change', compile);
    compile();
  },
  (error: unknown) => {
    status.textContent = `The core failed to load: ${(error as Error).message}`;
  },
);
