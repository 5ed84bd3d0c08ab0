# The seed's add_product, 10,000 times with the list growing, in the origin
# (PyPI theus 3.0.25): what bench/origin.bench.ts compares theus with.
# Its contexts are dataclasses read by key; a process with several outputs
# must return None there.
import asyncio, statistics, time
from dataclasses import dataclass, field
from theus import TheusEngine, BaseSystemContext, BaseDomainContext, BaseGlobalContext
from theus.contracts import process

@dataclass
class Domain(BaseDomainContext):
    items: list = field(default_factory=list)
    total_value: int = 0

@dataclass
class Global(BaseGlobalContext):
    max_capacity: int = 10_000_000

@dataclass
class System(BaseSystemContext):
    pass

@process(inputs=['domain.items'], outputs=['domain.items', 'domain.total_value'])
def add_product(ctx, product_name: str, price: int):
    ctx.domain['items'].append({'name': product_name, 'price': price})
    ctx.domain['total_value'] += price
    return None

sys_ctx = System(global_ctx=Global(), domain=Domain())
engine = TheusEngine(sys_ctx, strict_guards=True)
engine.register(add_product)
async def main():
    times = []
    for i in range(10_000):
        t = time.perf_counter()
        await engine.execute(add_product, product_name='p', price=1)
        times.append(time.perf_counter() - t)
    print(f"origin (PyPI theus 3.0.25) add_product x10000: median {statistics.median(times)*1e6:.0f} us/op, mean {statistics.mean(times)*1e6:.0f} us, total {sum(times):.2f} s")
    assert sys_ctx.domain.total_value == 10_000
asyncio.run(main())
