// Theus at the edge, on Cloudflare Workers:
// - POST /quote runs processes per request, on an engine made for that
//   request's data and dropped after it;
// - /counters/<name> is one shared state: a Durable Object hosts the one
//   engine that is its authority, and keeps every commit in its own storage,
//   so any number of edge instances see one consistent count, across restarts.
import { DurableObject } from 'cloudflare:workers';
import { process, TheusEngine, TheusError } from 'theus';
import { durableObjectStorage } from 'theus/storage/durable-object';

interface Env {
  COUNTERS: DurableObjectNamespace<Counter>;
}

// --- per request -----------------------------------------------------------

interface Line {
  item: string;
  price: number;
  quantity: number;
}

const priceLines = process({
  name: 'price_lines',
  inputs: ['domain_ctx.lines'],
  outputs: ['domain_ctx.subtotal'],
}, function price_lines(ctx) {
  ctx.domain_ctx.subtotal = ctx.domain_ctx.lines.reduce((sum: number, l: Line) => sum + l.price * l.quantity, 0);
});

const applyDiscount = process({
  name: 'apply_discount',
  inputs: ['domain_ctx.subtotal', 'global_ctx.discount_over', 'global_ctx.discount'],
  outputs: ['domain_ctx.total'],
}, function apply_discount(ctx) {
  const { subtotal } = ctx.domain_ctx;
  const { discount_over, discount } = ctx.global_ctx;
  ctx.domain_ctx.total = subtotal > discount_over ? Math.round(subtotal * (1 - discount) * 100) / 100 : subtotal;
});

async function quote(request: Request): Promise<Response> {
  const body = (await request.json().catch(() => null)) as { lines?: Line[] } | null;
  if (!Array.isArray(body?.lines)) return Response.json({ error: 'expected { lines: [{ item, price, quantity }] }' }, { status: 400 });
  const sysCtx = {
    global_ctx: { discount_over: 100, discount: 0.1 },
    domain_ctx: { lines: body.lines, subtotal: 0, total: 0 },
  };
  const engine = await TheusEngine.create(sysCtx);
  try {
    engine.register(priceLines);
    engine.register(applyDiscount);
    await engine.execute(priceLines);
    await engine.execute(applyDiscount);
    return Response.json({ subtotal: sysCtx.domain_ctx.subtotal, total: sysCtx.domain_ctx.total, commits: engine.version });
  } finally {
    engine.dispose();
  }
}

// --- one shared state ------------------------------------------------------

const add = process({
  name: 'add',
  inputs: ['domain_ctx.count'],
  outputs: ['domain_ctx.count'],
}, function add(ctx, { by }: { by: number }) {
  ctx.domain_ctx.count += by;
});

export class Counter extends DurableObject<Env> {
  readonly #engine: Promise<TheusEngine<{ domain_ctx: { count: number } }>>;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // The state, its version and its history come back from storage, if any.
    this.#engine = TheusEngine.create({ domain_ctx: { count: 0 } }, { storage: durableObjectStorage(ctx.storage) }).then((engine) => {
      engine.register(add);
      return engine;
    });
  }

  /** Adds `by`; resolves once the commit is in this object's storage. */
  async add(by: number): Promise<{ count: number; version: number }> {
    const engine = await this.#engine;
    await engine.execute(add, { by });
    return this.#read(engine);
  }

  async get(): Promise<{ count: number; version: number }> {
    return this.#read(await this.#engine);
  }

  #read(engine: TheusEngine<{ domain_ctx: { count: number } }>) {
    return { count: engine.state.domain_ctx.count, version: engine.version };
  }
}

export default {
  async fetch(request, env): Promise<Response> {
    const url = new URL(request.url);
    try {
      if (url.pathname === '/quote' && request.method === 'POST') return await quote(request);
      const match = /^\/counters\/([\w-]{1,64})$/.exec(url.pathname);
      if (match) {
        const counter = env.COUNTERS.get(env.COUNTERS.idFromName(match[1]));
        if (request.method === 'POST') {
          const by = Number(url.searchParams.get('by') ?? 1);
          if (!Number.isSafeInteger(by)) return Response.json({ error: 'by must be an integer' }, { status: 400 });
          return Response.json(await counter.add(by));
        }
        return Response.json(await counter.get());
      }
      return new Response('POST /quote, GET or POST /counters/<name>[?by=n]\n', { status: 404 });
    } catch (error) {
      const status = error instanceof TheusError ? 422 : 500;
      return Response.json({ error: error instanceof Error ? error.message : String(error) }, { status });
    }
  },
} satisfies ExportedHandler<Env>;
