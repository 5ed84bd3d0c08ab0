// Storages for the storage tests: one in memory that can be made to fail or
// to hold its saves, and a stand-in for a Durable Object's storage (a sorted
// key-value map storing structured clones, as the real one does).
import type { DurableObjectStorageLike } from '../../ts/storage/durable-object.ts';
import type { Saved, Storage } from 'theus';

export class MemoryStorage implements Storage {
  saved: Saved | undefined;
  /** Versions saved, in the order save() was called. */
  readonly calls: number[] = [];
  /** save() of this version rejects. */
  failAt = -1;
  /** While set, saves wait for it. */
  gate: Promise<void> | undefined;

  async load(): Promise<Saved | undefined> {
    return this.saved && structuredClone(this.saved);
  }

  async start(state: Saved['state']): Promise<void> {
    this.saved = { state: structuredClone(state), version: 0, history: [] };
  }

  async save(record: Saved['history'][number], state: Saved['state']): Promise<void> {
    this.calls.push(record.version);
    await this.gate;
    if (record.version === this.failAt) throw new Error('disk full');
    this.saved = { state: structuredClone(state), version: record.version, history: [...this.saved!.history, structuredClone(record)] };
  }
}

export class FakeDurableObjectStorage implements DurableObjectStorageLike {
  readonly data = new Map<string, unknown>();

  async get<T>(key: string): Promise<T | undefined> {
    return structuredClone(this.data.get(key)) as T | undefined;
  }

  async list<T>({ prefix }: { prefix: string }): Promise<Map<string, T>> {
    const keys = [...this.data.keys()].filter((k) => k.startsWith(prefix)).sort();
    return new Map(keys.map((k) => [k, structuredClone(this.data.get(k)) as T]));
  }

  async put<T>(entries: Record<string, T>): Promise<void> {
    for (const [key, value] of Object.entries(entries)) this.data.set(key, structuredClone(value));
  }

  async delete(keys: string[]): Promise<number> {
    return keys.filter((key) => this.data.delete(key)).length;
  }
}
