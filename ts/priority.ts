/**
 * Waiting for priority holders. The core decides who waits (a Wait
 * verdict); this only parks the waiting transactions until the core reports
 * a ticket released, in the verdict of the holder's commit or failure.
 */
export class PriorityWaits {
  readonly #promotion = new Map<number, () => void>();
  #release: (() => void)[] = [];

  /** Resolves when our queued `ticket` is promoted to the front. */
  promotion(ticket: number): Promise<void> {
    return new Promise((resolve) => this.#promotion.set(ticket, resolve));
  }

  /** Resolves at the next release of any ticket. */
  release(): Promise<void> {
    return new Promise((resolve) => this.#release.push(resolve));
  }

  /** A ticket was released; `promoted` are the tickets it unblocked. */
  released(promoted: readonly number[]): void {
    for (const ticket of promoted) {
      this.#promotion.get(ticket)?.();
      this.#promotion.delete(ticket);
    }
    const waiting = this.#release;
    this.#release = [];
    for (const wake of waiting) wake();
  }
}
