import { checkInitFrom } from './support/init-source.ts';
import { packagedWasmUrl } from './support/wasm.ts';

checkInitFrom('a URL', async () => new URL('./no-such-file.wasm', import.meta.url), async () => packagedWasmUrl());
