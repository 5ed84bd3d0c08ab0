/**
 * Context paths as types: every path a context type has, spelled as the
 * core parses paths (`domain_ctx.items[0].price`, `global['feature flags']`,
 * the layer aliases `global`, `domain`, `local`), each with the type of the
 * value there. Typed processes check their contracts against these, and a
 * typed engine its compareAndSwap keys and values.
 *
 * The types stop at a fixed depth, and at data whose shape they cannot know
 * (`any`, `unknown`, an empty `{}` layer, an index signature): beneath such
 * a point any path is accepted, and the core still checks it at run time.
 */
import type { Context } from './engine.ts';

/** How many keys below a layer paths are spelled out; deeper ones are accepted unchecked. */
type Levels = [never, 0, 1, 2, 3, 4, 5, 6, 7];
type MaxLevel = 8;

type LayerAlias = { global_ctx: 'global'; domain_ctx: 'domain'; local_ctx: 'local' };

/** Values the engine treats as one piece of data: no path goes inside them. */
type Leaf = string | number | boolean | bigint | symbol | null | undefined | Date | ReadonlyMap<unknown, unknown> | ReadonlySet<unknown> | ArrayBuffer | ArrayBufferView | ((...args: never[]) => unknown);

/** Characters that a `.key` segment cannot hold (the core's keys are letters, digits, `_` and `$`). */
type NotInName = ' ' | '.' | '-' | '[' | ']' | "'" | '"' | '/' | ':' | '@' | '#' | '!' | '?' | '+' | '*' | ',' | ';' | '(' | ')' | '{' | '}' | '<' | '>' | '=' | '&' | '|' | '%' | '^' | '~' | '`' | '\\';

/** One key as a path segment: `.name`, `[3]`, or `['odd key']`. */
type Step<K> = K extends number ? `[${K}]` : K extends `${string}${NotInName}${string}` | '' ? `['${K & string}']` | `["${K & string}"]` : `.${K & string}`;

/** A path with its value type. */
interface Entry<P extends string = string, V = unknown> {
  path: P;
  value: V;
}

type IsAny<T> = 0 extends 1 & T ? true : false;

/** Any path beneath `P`, for data whose shape is not known. */
type Unchecked<P extends string> = Entry<`${P}.${string}` | `${P}[${string}`, unknown>;

/** Every entry beneath a value of type `T` found at path `P`. */
type Below<T, P extends string, L extends number> = [L] extends [never]
  ? Unchecked<P>
  : IsAny<T> extends true
    ? Unchecked<P>
    : unknown extends T
      ? Unchecked<P>
      : T extends Leaf
        ? never
        : T extends readonly (infer E)[]
          ? At<E, `${P}[${number}]`, L>
          : T extends object
            ? {} extends T
              ? Unchecked<P>
              : { [K in keyof T & (string | number)]-?: At<T[K], `${P}${Step<K>}`, L> }[keyof T & (string | number)]
            : never;

/** The entry at `P` (the value may be missing, hence `undefined`) and every one beneath it. */
type At<V, P extends string, L extends number> = Entry<P, V> | Below<NonNullable<V>, P, Levels[L]>;

/** Every entry of a context type, through each layer's name and alias. */
export type PathEntry<C> = {
  [L in keyof C & keyof LayerAlias]-?: At<C[L], L | LayerAlias[L], MaxLevel>;
}[keyof C & keyof LayerAlias];

/**
 * Every context path of `C`, as contracts and StateUpdate keys spell them.
 * For the untyped `Context`, any string.
 *
 * @example
 * ```ts
 * type Ctx = { domain_ctx: { items: { price: number }[] } };
 * const ok: ContextPath<Ctx> = 'domain.items[0].price';
 * ```
 */
export type ContextPath<C> = IsUntyped<C> extends true ? string : PathEntry<C>['path'];

/**
 * Writes of a StateUpdate or a compareAndSwap on a context of type `C`:
 * each key a path of `C`, each value of the type found there. For the
 * untyped `Context`, any string key and any value.
 */
export type PathWrites<C> = IsUntyped<C> extends true ? Record<string, unknown> : { [E in PathEntry<C> as E['path']]?: E['value'] };

/** Whether `C` says nothing of its data (the default `Context`, or `any`). */
type IsUntyped<C> = IsAny<C> extends true ? true : Context extends C ? true : false;
