/**
 * The signal hub: commits publish the SIGNAL-zone paths they wrote as
 * `{ topic, value, version }` after the transaction has committed (never for
 * a rolled-back one), and anyone can publish directly.
 */

/** One signal: the canonical dotted path, the value written, the version that wrote it. */
export interface SignalMessage {
  topic: string;
  value: unknown;
  version: number;
}

/**
 * A subscription: an async iterator of the messages published since it was
 * made. Messages queue until read; `close()` (or leaving a `for await` loop)
 * ends it.
 *
 * @example
 * ```ts
 * for await (const { topic, value } of engine.signals.subscribe()) console.log(topic, value);
 * ```
 */
export class SignalReceiver implements AsyncIterableIterator<SignalMessage> {
  readonly #queue: SignalMessage[] = [];
  readonly #waiting: ((result: IteratorResult<SignalMessage>) => void)[] = [];
  readonly #onClose: () => void;
  #closed = false;

  constructor(onClose: () => void) {
    this.#onClose = onClose;
  }

  /** @internal Called by the hub. */
  deliver(message: SignalMessage): void {
    const waiter = this.#waiting.shift();
    if (waiter) waiter({ value: message, done: false });
    else this.#queue.push(message);
  }

  /** Messages received and not yet read. */
  get pending(): number {
    return this.#queue.length;
  }

  next(): Promise<IteratorResult<SignalMessage>> {
    const message = this.#queue.shift();
    if (message) return Promise.resolve({ value: message, done: false });
    if (this.#closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Ends the subscription; queued messages are dropped. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.length = 0;
    for (const waiter of this.#waiting.splice(0)) waiter({ value: undefined, done: true });
    this.#onClose();
  }

  return(): Promise<IteratorResult<SignalMessage>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/**
 * The last value of each signal, by its full topic (`domain_ctx.cmd_stop`)
 * and by its last segment (`cmd_stop`): what `signal.get()` in a workflow
 * condition and `signals.last()` read.
 */
export class SignalMemory {
  readonly #last = new Map<string, unknown>();
  readonly #lastBySegment = new Map<string, unknown>();

  remember(topic: string, value: unknown): void {
    this.#last.set(topic, value);
    this.#lastBySegment.set(topic.slice(topic.lastIndexOf('.') + 1), value);
  }

  last(topic: string): unknown {
    return this.#last.has(topic) ? this.#last.get(topic) : this.#lastBySegment.get(topic);
  }

  /** Every topic with its last value, oldest first. */
  entries(): [string, unknown][] {
    return [...this.#last];
  }
}

/** `engine.signals`. */
export class SignalHub {
  readonly #receivers = new Set<SignalReceiver>();
  readonly #memory = new SignalMemory();
  readonly #forward: (message: SignalMessage) => void;

  /** @internal `forward` takes what is published here to the authority (and so to the other replicas). */
  constructor(forward: (message: SignalMessage) => void = () => {}) {
    this.#forward = forward;
  }

  /**
   * Sends a message to every current subscriber (and, when the engine
   * shares its authority with other threads, to theirs).
   *
   * @example
   * ```ts
   * engine.signals.publish({ topic: 'domain_ctx.cmd_stop', value: true, version: engine.version });
   * ```
   */
  publish(message: SignalMessage): void {
    if (typeof message !== 'object' || message === null || typeof message.topic !== 'string' || message.topic === '') {
      throw new TypeError('signals.publish(message): expected { topic: string, value, version: number }');
    }
    if (typeof message.version !== 'number') throw new TypeError('signals.publish(message): version must be a number');
    const frozen = this.deliver(message);
    this.#forward(frozen);
  }

  /** @internal A message from the authority (a commit's signal, or another replica's publish). */
  deliver(message: SignalMessage): SignalMessage {
    const frozen = Object.freeze({ topic: message.topic, value: message.value, version: message.version });
    this.#memory.remember(frozen.topic, frozen.value);
    for (const receiver of this.#receivers) receiver.deliver(frozen);
    return frozen;
  }

  /**
   * The last value published on a topic, named by its full path
   * (`domain_ctx.cmd_stop`) or its last segment (`cmd_stop`); undefined if
   * none was.
   */
  last(topic: string): unknown {
    return this.#memory.last(topic);
  }

  /** A new receiver of every message published from now on. */
  subscribe(): SignalReceiver {
    const receiver: SignalReceiver = new SignalReceiver(() => this.#receivers.delete(receiver));
    this.#receivers.add(receiver);
    return receiver;
  }

  /** Number of open subscriptions. */
  get size(): number {
    return this.#receivers.size;
  }
}
