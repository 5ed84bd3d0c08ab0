/**
 * Running a workflow one process step at a time. Each process the workflow
 * runs waits at a gate before its body; `step()` opens the gate of the
 * waiting step and returns when the next one arrives (or the run ends), so
 * the page sees the state between steps. A reset makes the waiting step
 * throw, which fails the run; nothing of that step is committed.
 */
export class Stepper {
  #open: (() => void) | undefined;
  #refuse: ((reason: Error) => void) | undefined;
  #arrival: Promise<void>;
  #arrived!: () => void;
  /** While false (a run to the end, or no workflow), processes pass the gate at once. */
  active = false;

  constructor() {
    this.#arrival = this.#nextArrival();
  }

  #nextArrival(): Promise<void> {
    return new Promise<void>((resolve) => (this.#arrived = resolve));
  }

  /** Called by each process before its body while stepping. */
  gate(): Promise<void> | undefined {
    if (!this.active) return undefined;
    return new Promise<void>((resolve, reject) => {
      this.#open = resolve;
      this.#refuse = reject;
      this.#arrived();
    });
  }

  /** Resolves when a step waits at the gate or `ended` settles. */
  async untilNext(ended: Promise<unknown>): Promise<void> {
    await Promise.race([this.#arrival, ended.then(() => undefined, () => undefined)]);
  }

  /** Lets the waiting step run; the next arrival is awaited afresh. */
  release(): void {
    this.#arrival = this.#nextArrival();
    const open = this.#open;
    this.#open = this.#refuse = undefined;
    open?.();
  }

  /** Stops stepping: the waiting step (if any) runs, and so does every later one. */
  runFree(): void {
    this.active = false;
    this.release();
  }

  /** Fails the waiting step (if any) with `reason`. */
  abort(reason: Error): void {
    this.active = false;
    const refuse = this.#refuse;
    this.#open = this.#refuse = undefined;
    this.#arrival = this.#nextArrival();
    refuse?.(reason);
  }

  get waiting(): boolean {
    return this.#open !== undefined;
  }
}
