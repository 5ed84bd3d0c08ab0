/**
 * Storages made again from their recipe in another thread (the tabs'
 * SharedWorker). Imported statically: a dynamic import would split the
 * worker's bundle, which bundlers refuse for workers in their default
 * (classic script) format.
 */
import type { Storage, StorageRecipe } from './storage.ts';
import { indexedDbStorage } from './storage/indexeddb.ts';

/** The storage a recipe describes; only this package's adapters are known by name. */
export function storageFrom(recipe: StorageRecipe): Storage {
  if (recipe.adapter === 'indexeddb') return (indexedDbStorage as (...args: unknown[]) => Storage)(...recipe.args);
  throw new TypeError(`no storage adapter '${String(recipe.adapter)}' in this package`);
}
