// theus/react with React 19. Rendering into a DOM (@testing-library/react)
// runs where there is one (Chromium, and Chromium in worker mode); server
// rendering and the argument checks run everywhere.
import { afterEach, describe, expect, it } from 'vitest';
import { createElement, type ReactElement } from 'react';
import { renderToString } from 'react-dom/server';
import { init, process, TheusEngine } from 'theus';
import { shallowEqual, useTheus } from '../ts/react.ts';
import { itUnless } from './support/runtime.ts';
import { thrown } from './support/thrown.ts';

await init();

const hasDom = typeof document !== 'undefined';
const itDom = itUnless(it, !hasDom, 'no DOM to render into');
// React warns when a test's updates are not wrapped in act(); the flag says this is a test.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

type Ctx = { domain_ctx: { counter: number; label: string; items: string[] } };
const fresh = () => TheusEngine.create<Ctx>({ domain_ctx: { counter: 0, label: 'a', items: [] } });

const inc = process({ outputs: ['domain_ctx.counter'] }, function inc(ctx) {
  ctx.domain_ctx.counter += 1;
});
const relabel = process({ outputs: ['domain_ctx.label'] }, function relabel(ctx, { to }: { to: string }) {
  ctx.domain_ctx.label = to;
});

/** A component showing a selection, counting its renders. */
function counted<T>(engine: TheusEngine<Ctx>, selector: (state: TheusEngine<Ctx>['state']) => T, show: (value: T) => string, isEqual?: (a: T, b: T) => boolean) {
  const renders = { count: 0 };
  function Shown(): ReactElement {
    renders.count += 1;
    return createElement('output', null, show(useTheus(engine, selector, isEqual)));
  }
  return { Shown, renders };
}

// Vitest does not load testing-library's automatic cleanup (it needs test globals).
afterEach(async () => {
  if (hasDom) (await import('@testing-library/react')).cleanup();
});

describe('useTheus', () => {
  itDom('renders again once per commit that changes the selection, and not for others', async () => {
    const { render, act } = await import('@testing-library/react');
    const engine = await fresh();
    const { Shown, renders } = counted(engine, (s) => s.domain_ctx.counter, String);
    const view = render(createElement(Shown));
    expect([view.container.textContent, renders.count]).toEqual(['0', 1]);
    await act(() => engine.execute(inc));
    expect([view.container.textContent, renders.count]).toEqual(['1', 2]);
    await act(() => engine.execute(relabel, { to: 'b' }));
    await act(() => engine.edit((ctx) => void ctx.domain_ctx.items.push('x')));
    expect([view.container.textContent, renders.count]).toEqual(['1', 2]);
  });

  itDom('with shallowEqual, a selector that makes a new object each time renders only when a field changes', async () => {
    const { render, act } = await import('@testing-library/react');
    const engine = await fresh();
    const { Shown, renders } = counted(
      engine,
      (s) => ({ counter: s.domain_ctx.counter, label: s.domain_ctx.label }),
      (v) => `${v.label}${v.counter}`,
      shallowEqual,
    );
    const view = render(createElement(Shown));
    await act(() => engine.edit((ctx) => void ctx.domain_ctx.items.push('x')));
    expect([view.container.textContent, renders.count]).toEqual(['a0', 1]);
    await act(() => engine.execute(relabel, { to: 'b' }));
    expect([view.container.textContent, renders.count]).toEqual(['b0', 2]);
  });

  itDom('an inline selector making a new object each render does not loop, and with shallowEqual skips commits elsewhere', async () => {
    const { render, act } = await import('@testing-library/react');
    const engine = await fresh();
    const renders = { plain: 0, shallow: 0 };
    function Plain(): ReactElement {
      renders.plain += 1;
      const { counter } = useTheus(engine, (s) => ({ counter: s.domain_ctx.counter }));
      return createElement('output', null, String(counter));
    }
    function Shallow(): ReactElement {
      renders.shallow += 1;
      const { counter } = useTheus(engine, (s) => ({ counter: s.domain_ctx.counter }), shallowEqual);
      return createElement('output', null, String(counter));
    }
    const view = render(createElement('div', null, createElement(Plain), createElement(Shallow)));
    await act(() => engine.execute(relabel, { to: 'b' }));
    await act(() => engine.execute(relabel, { to: 'c' }));
    // Without an equality each commit is a new object, so a render each: but no more.
    expect(renders).toEqual({ plain: 3, shallow: 1 });
    await act(() => engine.execute(inc));
    expect([view.container.textContent, renders]).toEqual(['11', { plain: 4, shallow: 2 }]);
  });

  itDom('shows the final state after concurrent commits, never a torn or lost one', async () => {
    const { render, act } = await import('@testing-library/react');
    const engine = await fresh();
    const seen: number[] = [];
    const { Shown, renders } = counted(engine, (s) => s.domain_ctx.counter, (n) => (seen.push(n), String(n)));
    const view = render(createElement(Shown));
    await act(() => Promise.all(Array.from({ length: 20 }, () => engine.execute(inc))));
    expect(view.container.textContent).toBe('20');
    expect(engine.state.domain_ctx.counter).toBe(20);
    // Batched or not, what was shown only went up, and never more renders than commits.
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(renders.count).toBeLessThanOrEqual(21);
  });

  itDom('follows a selector that depends on props, and stops listening on unmount', async () => {
    const { render, act } = await import('@testing-library/react');
    const engine = await fresh();
    const subscribe = engine.subscribe.bind(engine);
    let listening = 0;
    engine.subscribe = (listener) => {
      listening += 1;
      const off = subscribe(listener);
      return () => {
        listening -= 1;
        off();
      };
    };
    function Field({ field }: { field: 'counter' | 'label' }): ReactElement {
      return createElement('output', null, String(useTheus(engine, (s) => s.domain_ctx[field])));
    }
    const view = render(createElement(Field, { field: 'counter' }));
    expect(view.container.textContent).toBe('0');
    view.rerender(createElement(Field, { field: 'label' }));
    expect(view.container.textContent).toBe('a');
    expect(listening).toBe(1);
    view.unmount();
    expect(listening).toBe(0);
    await act(() => engine.execute(inc));
  });

  it('renders on the server from the current state', async () => {
    const engine = await fresh();
    await engine.execute(relabel, { to: 'served' });
    const { Shown } = counted(engine, (s) => s.domain_ctx.label, String);
    expect(renderToString(createElement(Shown))).toBe('<output>served</output>');
  });

  it('refuses what is not an engine, a selector or an equality', async () => {
    const engine = await fresh();
    expect(thrown(() => useTheus({} as never, (s) => s))).toEqual(new TypeError('useTheus(engine, selector): engine must be a TheusEngine, got object'));
    expect(thrown(() => useTheus(engine, 'domain_ctx.counter' as never))).toEqual(new TypeError('useTheus(engine, selector): selector must be a function of the state, got string'));
    expect(thrown(() => useTheus(engine, (s) => s, 1 as never))).toBeInstanceOf(TypeError);
  });
});

describe('shallowEqual', () => {
  it('compares objects, arrays, Maps and Sets one level deep', () => {
    const item = { n: 1 };
    expect(shallowEqual({ a: 1, b: item }, { a: 1, b: item })).toBe(true);
    expect(shallowEqual({ a: 1, b: item }, { a: 1, b: { n: 1 } })).toBe(false);
    expect(shallowEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(shallowEqual([1, item], [1, item])).toBe(true);
    expect(shallowEqual([1], { 0: 1 })).toBe(false);
    expect(shallowEqual(new Map([['k', item]]), new Map([['k', item]]))).toBe(true);
    expect(shallowEqual(new Set([item]), new Set([{ n: 1 }]))).toBe(false);
    expect(shallowEqual(NaN, NaN)).toBe(true);
    expect(shallowEqual(null, {})).toBe(false);
  });
});
