// Prints the shipped wasm's size, raw and brotli-compressed (the goal for the
// whole engine is under 150 KiB brotli).
import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants } from 'node:zlib';

const file = new URL('../wasm-pkg/theus_wasm_bg.wasm', import.meta.url);
const raw = readFileSync(file);
const brotli = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
const kib = (n) => (n / 1024).toFixed(1);
console.log(`wasm size: ${raw.length} B raw (${kib(raw.length)} KiB), ${brotli.length} B brotli (${kib(brotli.length)} KiB)`);
