import { init, process, TheusEngine } from 'theus';
await init();
const small = await TheusEngine.create({ domain_ctx: { items: [1], x: 0 } });
let i = 0;
const setX = process({ outputs: ['domain_ctx.x'] }, function set_x(ctx) { ctx.domain_ctx.x = i; });
const t = performance.now();
for (let k = 0; k < 200000; k++) { await small.execute(setX); i++; }
console.log(((performance.now() - t) / 200000 * 1000).toFixed(2), 'µs/execute');
