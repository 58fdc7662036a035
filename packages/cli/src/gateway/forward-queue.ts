// The bounded queue between the receiver and Loki. A request holds a slot from the moment it is
// admitted until its client has the answer, so the slots bound the memory the gateway holds; when
// every slot is taken the receiver answers 429 at once instead of buffering without limit.
// At most `concurrency` requests are sent to Loki at a time, in arrival order.
export class ForwardQueue {
  readonly capacity: number;
  readonly concurrency: number;
  private held = 0;
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly idleWaiters: Array<() => void> = [];

  constructor(capacity: number, concurrency: number) {
    this.capacity = capacity;
    this.concurrency = concurrency;
  }

  /** Takes a slot if one is free. */
  tryAdmit(): boolean {
    if (this.held >= this.capacity) return false;
    this.held++;
    return true;
  }

  /** Gives the slot back once the client has its answer. */
  release(): void {
    this.held--;
    if (this.held === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** Runs `send` when a forwarding slot is free (FIFO). */
  async run<T>(send: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await send();
    } finally {
      // Hand the forwarding slot straight to the next waiter, or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  get size(): number {
    return this.held;
  }

  get inFlight(): number {
    return this.running;
  }

  /** Resolves when no request is held (every admitted client has its answer). */
  idle(): Promise<void> {
    return this.held === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
