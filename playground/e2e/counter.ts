// A small project the feature tests type into the editors themselves, so that
// what they check does not depend on how an example is written.
export const COUNTER = {
  context: '{\n  "global_ctx": {},\n  "domain_ctx": { "counter": 0, "log": [] },\n  "local_ctx": {}\n}\n',
  processes: `import { process } from 'theus';

export const increment = process({
  name: 'increment',
  inputs: ['domain_ctx.counter'],
  outputs: ['domain_ctx.counter', 'domain_ctx.sig_changed'],
}, async (ctx, { by = 1 }) => {
  const before = ctx.domain_ctx.counter;
  // Awaiting lets concurrent executes overlap: they conflict and retry.
  await new Promise((resolve) => setTimeout(resolve, 2));
  ctx.domain_ctx.counter = before + by;
  ctx.domain_ctx.sig_changed = true;
  return ctx.domain_ctx.counter;
});

export const double = process({
  name: 'double',
  inputs: ['domain_ctx.counter'],
  outputs: ['domain_ctx.counter'],
}, (ctx) => {
  ctx.domain_ctx.counter *= 2;
});

export const spin = process({
  name: 'spin',
  inputs: [],
  outputs: ['domain_ctx.counter'],
}, () => {
  for (;;) {}
});
`,
  workflow: `steps:
  - increment
  - flux: if
    condition: "domain['counter'] > 0"
    then: [double]
`,
};
