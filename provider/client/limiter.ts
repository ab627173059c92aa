/**
 * Bounds what the client asks of CPQ: at most `maxConcurrency` requests in flight and at most
 * `requestsPerSecond` started per second. FIFO, so a burst of reads is served in order and no
 * caller starves. Small enough that a dependency would cost more than it saves.
 */

/** Releases the slot taken by {@link Limiter.acquire}; calling it twice is harmless. */
export type Release = () => void;

/** A concurrency and rate limiter. */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly intervalMs: number;
  /** When the next request may start, for the rate limit (ms since epoch). */
  private nextStartAt = 0;

  constructor(
    private readonly maxConcurrency: number,
    requestsPerSecond: number | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.intervalMs = requestsPerSecond === undefined ? 0 : 1000 / requestsPerSecond;
  }

  /** Requests currently holding a slot. */
  get inFlight(): number {
    return this.active;
  }

  /** Waits for a free slot and for the rate limit, then holds the slot until released. */
  async acquire(): Promise<Release> {
    if (this.active < this.maxConcurrency && this.waiting.length === 0) {
      this.active++;
    } else {
      // The slot is handed over by release(), so `active` already counts this caller.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    let released = false;
    const release: Release = () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next === undefined) this.active--;
      else next();
    };
    if (this.intervalMs > 0) {
      const now = this.now();
      const startAt = Math.max(now, this.nextStartAt);
      this.nextStartAt = startAt + this.intervalMs;
      if (startAt > now) await sleep(startAt - now);
    }
    return release;
  }
}

/**
 * Resolves after `ms`. The timer is left referenced on purpose: a CLI awaiting a retry must not
 * exit silently because nothing else keeps the event loop alive.
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
