// The file storage under SIGKILL: a child process (support/crash-child.ts)
// commits in a loop and prints each commit's version once execute has
// resolved; it is killed at a random moment, several rounds on one
// directory. After each kill, every printed version must be in the storage
// and the state must be the one the commits made.
import { describe, expect, it } from 'vitest';
import { init, TheusEngine } from 'theus';
import { fileStorage } from '../ts/storage/file.ts';
import { itUnless, workerd } from './support/runtime.ts';

await init();

interface ChildProcess {
  stdout: { on(event: 'data', listener: (chunk: Uint8Array) => void): void };
  stderr: { on(event: 'data', listener: (chunk: Uint8Array) => void): void };
  kill(signal: 'SIGKILL'): boolean;
  once(event: 'exit', listener: (code: number | null, signal: string | null) => void): void;
}
type Spawn = (command: string, args: string[], options: { cwd: string; stdio: ['ignore', 'pipe', 'pipe'] }) => ChildProcess;

const host = (globalThis as { process?: { getBuiltinModule?(id: string): unknown; execPath?: string; versions?: Record<string, string> } }).process;
// Node itself, running the child through tsx: Deno and Bun run the other file storage tests.
const node = !workerd && !('Deno' in globalThis) && !('Bun' in globalThis) && typeof host?.getBuiltinModule === 'function' && host.versions?.node !== undefined;
const ROUNDS = 8;

describe('fileStorage crash', () => {
  itUnless(it, !node, 'child processes are run from Node')(
    `loses no resolved commit when the process is killed mid-run (${ROUNDS} rounds)`,
    async () => {
      const { spawn } = host!.getBuiltinModule!('node:child_process') as { spawn: Spawn };
      const fs = host!.getBuiltinModule!('node:fs/promises') as { mkdtemp(prefix: string): Promise<string>; rm(path: string, options: object): Promise<void> };
      const tmp = (host!.getBuiltinModule!('node:os') as { tmpdir(): string }).tmpdir();
      const root = new URL('..', import.meta.url).pathname;
      const dir = await fs.mkdtemp(`${tmp}/theus-crash-`);
      let reported = 0;
      try {
        for (let round = 1; round <= ROUNDS; round++) {
          const child = spawn(host!.execPath!, ['--import', 'tsx', 'test/support/crash-child.ts', dir], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
          let out = '';
          let err = '';
          child.stderr.on('data', (chunk) => (err += new TextDecoder().decode(chunk)));
          const exited = new Promise<string | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
          // Killed at a random moment once it commits: mid-write, mid-flush or mid-snapshot.
          await new Promise<void>((resolve) =>
            child.stdout.on('data', (chunk) => {
              if (out === '') setTimeout(resolve, 20 + Math.random() * 300);
              out += new TextDecoder().decode(chunk);
            }),
          );
          child.kill('SIGKILL');
          const signal = await exited;
          expect({ signal, err }).toMatchObject({ signal: 'SIGKILL' });
          // Only whole lines: a version is reported once its newline is out.
          const versions = out.split('\n').slice(0, -1).map(Number);
          const before = reported;
          reported = Math.max(reported, ...versions);

          const storage = fileStorage(dir);
          const engine = await TheusEngine.create({ domain_ctx: {} }, { storage });
          const { n, seen } = engine.state.domain_ctx as { n: number; seen: Map<number, Date> };
          console.log(`crash round ${round}: reported up to ${reported} (${versions.length} this round, from ${before}), recovered version ${engine.version}`);
          expect(engine.version).toBeGreaterThanOrEqual(reported);
          // Each commit is one step: the state is the one its versions made, entry for entry.
          expect(n).toBe(engine.version);
          expect([...seen.keys()]).toEqual(Array.from({ length: n }, (_, i) => i + 1));
          expect(seen.get(n)).toEqual(new Date(n));
          engine.dispose();
          await storage.close();
          reported = engine.version;
        }
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
