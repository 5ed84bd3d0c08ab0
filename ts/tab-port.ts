/**
 * Ports between tabs, on the one BroadcastChannel of a shared state: tabs
 * cannot hand each other a MessagePort, so a port here is an address (the
 * tab's end and the peer's) and every message carries the peer's. comlink
 * runs on these ports as on a MessagePort, and carries one in a call as
 * its address (a transfer handler), which is how a replica hands the
 * leader the port for its broadcasts.
 */
import { transferHandlers } from 'comlink';

/** What crosses the channel: a port's message, a replica asking to be served, or a new leader saying so. */
export type TabMessage = { to: string; data: unknown } | { open: PortAddress } | { leader: true };

/** Where a port's messages go (`peer`) and which arrive at it (`self`), on the channel named `channel`. */
export interface PortAddress {
  channel: string;
  self: string;
  peer: string;
}

/** This tab's channels, by name: a port arriving in a call belongs to the one it names. */
const channels = new Map<string, TabChannel>();

/** One BroadcastChannel per shared state and tab, so that the messages of its ports keep their order. */
export class TabChannel {
  readonly #channel: BroadcastChannel;
  readonly #ports = new Map<string, TabPort>();
  /** Messages that are not a port's: opens and leaders. */
  onControl: (message: Exclude<TabMessage, { to: string }>) => void = () => {};

  readonly name: string;

  constructor(name: string) {
    if (channels.has(name)) throw new TypeError(`TheusEngine: this tab already has an engine on the shared state '${name}'; one engine per tab shares it`);
    carryTabPorts();
    channels.set(name, this);
    this.name = name;
    this.#channel = new BroadcastChannel(name);
    this.#channel.addEventListener('message', (event: MessageEvent<TabMessage>) => {
      const message = event.data;
      if ('to' in message) this.#ports.get(message.to)?.receive(message.data);
      else this.onControl(message);
    });
  }

  post(message: TabMessage): void {
    this.#channel.postMessage(message);
  }

  /** A port of this tab at `address`, receiving from now on (held until it starts). */
  port(address: PortAddress): TabPort {
    const port = new TabPort(this, address);
    this.#ports.set(address.self, port);
    return port;
  }

  /** A pair of addresses, the first for this tab's end. */
  pair(): [PortAddress, PortAddress] {
    const a = crypto.randomUUID();
    const b = crypto.randomUUID();
    return [
      { channel: this.name, self: a, peer: b },
      { channel: this.name, self: b, peer: a },
    ];
  }

  forget(port: TabPort): void {
    this.#ports.delete(port.address.self);
  }

  close(): void {
    this.#ports.clear();
    this.#channel.close();
    channels.delete(this.name);
  }
}

/** A port's far end in a call: comlink sends it as its address (see `carryTabPorts`). */
export class FarEnd {
  constructor(readonly address: PortAddress) {}
}

/** One end of a channel between two tabs, shaped as a MessagePort for comlink and the replica. */
export class TabPort {
  readonly address: PortAddress;
  readonly #channel: TabChannel;
  readonly #listeners = new Set<EventListenerOrEventListenerObject>();
  /** Messages before start(), as a MessagePort holds them. */
  #held: unknown[] | undefined = [];
  #closed = false;

  constructor(channel: TabChannel, address: PortAddress) {
    this.#channel = channel;
    this.address = address;
  }

  postMessage(data: unknown): void {
    if (!this.#closed) this.#channel.post({ to: this.address.peer, data });
  }

  addEventListener(_type: string, listener: EventListenerOrEventListenerObject): void {
    this.#listeners.add(listener);
  }

  removeEventListener(_type: string, listener: EventListenerOrEventListenerObject): void {
    this.#listeners.delete(listener);
  }

  start(): void {
    const held = this.#held;
    this.#held = undefined;
    for (const data of held ?? []) this.#dispatch(data);
  }

  close(): void {
    this.#closed = true;
    this.#listeners.clear();
    this.#channel.forget(this);
  }

  receive(data: unknown): void {
    if (this.#held) this.#held.push(data);
    else this.#dispatch(data);
  }

  #dispatch(data: unknown): void {
    const event = { data } as MessageEvent;
    for (const listener of this.#listeners) {
      if (typeof listener === 'function') listener(event);
      else listener.handleEvent(event);
    }
  }
}

let carrying = false;

/** Lets comlink carry a FarEnd in a call, as its address, and make it a TabPort of its channel on arrival. */
function carryTabPorts(): void {
  if (carrying) return;
  carrying = true;
  transferHandlers.set('theus-tab-port', {
    canHandle: (value: unknown): value is FarEnd => value instanceof FarEnd,
    serialize: (value: FarEnd): [PortAddress, Transferable[]] => [value.address, []],
    deserialize: (address: PortAddress) => {
      const channel = channels.get(address.channel);
      if (!channel) throw new Error(`no engine of this tab shares '${address.channel}'`);
      return channel.port(address);
    },
  } as never);
}
