/**
 * The `worker` option: where an authority lives, checked without loading
 * anything that worker mode needs (comlink comes with worker mode only).
 */
import type { HostMessagePort } from './host-types.ts';

/** A Node `worker_threads.Worker`, described by what is used of it. */
export interface NodeWorkerLike {
  threadId: number;
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
  on(event: string, listener: (...args: any[]) => void): unknown;
  off(event: string, listener: (...args: any[]) => void): unknown;
  terminate(): Promise<number>;
}

/**
 * A Web `Worker`, described by what is used of it, so that these types hold
 * where the DOM library is not loaded (Node, workerd).
 */
export interface WebWorkerLike extends MessageEndpoint {
  terminate(): void;
}

/**
 * One end of a message channel, described by what is used of it: a Web
 * Worker, its `self`, a MessagePort, or a Node worker thread's `parentPort`.
 */
export interface MessageEndpoint {
  postMessage(message: any, transfer: any[]): void;
  addEventListener(type: string, listener: (event: any) => void): void;
  removeEventListener(type: string, listener: (event: any) => void): void;
}

/** Where an authority lives: the package's own worker, your Worker or Node worker thread, or a port to one. */
export type WorkerOption = true | WebWorkerLike | NodeWorkerLike | HostMessagePort;

export const isNodeWorker = (value: unknown): value is NodeWorkerLike =>
  typeof value === 'object' && value !== null && typeof (value as NodeWorkerLike).on === 'function' && typeof (value as NodeWorkerLike).threadId === 'number';

export const isWebWorker = (value: unknown): value is WebWorkerLike => typeof Worker === 'function' && value instanceof Worker;

export const isPort = (value: unknown): value is HostMessagePort => typeof MessagePort === 'function' && value instanceof MessagePort;

/** Checks a `worker` option; the message names what is accepted. */
export function checkWorkerOption(value: unknown): WorkerOption | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true || isNodeWorker(value) || isWebWorker(value) || isPort(value)) return value;
  throw new TypeError(`TheusEngine: option 'worker' must be true, a Worker, a Node worker_threads Worker or a MessagePort, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'an object';
  return typeof value;
}
