// The seed's add_product 10,000 times, the list growing to 10,000 items,
// in theus and (when THEUS_ORIGIN_PYTHON names a Python with PyPI theus
// 3.0.25 installed) in the origin, on the same machine in the same run.
//   PYENV_VERSION=3.12.1 python -m venv v && v/bin/pip install theus==3.0.25
//   THEUS_ORIGIN_PYTHON=v/bin/python npm run bench
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { init, process, TheusEngine } from 'theus';

await init();
const sysCtx = { global_ctx: { max_capacity: 10_000_000 }, domain_ctx: { items: [] as { name: string; price: number }[], total_value: 0 } };
const engine = await TheusEngine.create(sysCtx);
const addProduct = process(
  { name: 'add_product', inputs: ['domain_ctx.items'], outputs: ['domain_ctx.items', 'domain_ctx.total_value'] },
  (ctx, { product_name, price }: { product_name: string; price: number }) => {
    ctx.domain_ctx.items.push({ name: product_name, price });
    ctx.domain_ctx.total_value += price;
    return 'Added';
  },
);
const times: number[] = [];
for (let i = 0; i < 10_000; i++) {
  const started = performance.now();
  await engine.execute(addProduct, { product_name: 'p', price: 1 });
  times.push(performance.now() - started);
}
const theus = times.sort((a, b) => a - b)[times.length / 2] * 1000;
console.log(`theus add_product x10000 (list growing to 10,000): median ${theus.toFixed(0)} µs/op`);
const python = globalThis.process.env.THEUS_ORIGIN_PYTHON;
if (python) {
  const out = execFileSync(python, [fileURLToPath(new URL('./origin_add_product.py', import.meta.url))], { encoding: 'utf8' });
  const origin = Number(/median (\d+) us\/op/.exec(out)?.[1]);
  console.log(`origin, same workload: median ${origin} µs/op; theus is ${(origin / theus).toFixed(0)}x faster`);
} else {
  console.log('origin: not measured (set THEUS_ORIGIN_PYTHON to a Python with PyPI theus 3.0.25)');
}
