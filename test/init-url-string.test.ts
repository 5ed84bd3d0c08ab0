import { checkInitFrom } from './support/init-source.ts';
import { packagedWasmUrl } from './support/wasm.ts';

checkInitFrom('a URL string', async () => new URL('./no-such-file.wasm', import.meta.url).href, async () => packagedWasmUrl().href);
