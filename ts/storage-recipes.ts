/** Storages made again from their recipe in another thread (the tabs' SharedWorker). */
import type { Storage, StorageRecipe } from './storage.ts';

/** The storage a recipe describes; only this package's adapters are known by name. */
export async function storageFrom(recipe: StorageRecipe): Promise<Storage> {
  switch (recipe.adapter) {
    case 'indexeddb': {
      const { indexedDbStorage } = await import('./storage/indexeddb.ts' as string);
      return (indexedDbStorage as (...args: unknown[]) => Storage)(...recipe.args);
    }
    default:
      throw new TypeError(`no storage adapter '${String(recipe.adapter)}' in this package`);
  }
}
