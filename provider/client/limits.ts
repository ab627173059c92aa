/**
 * The ranges the client accepts for its tunables. A module of its own, importing nothing, so the
 * provider checks its configuration at plan with the very ranges the client enforces, without
 * loading the client.
 */
export const CLIENT_LIMITS = {
  maxRetries: { min: 0, max: 20 },
  maxConcurrency: { min: 1, max: 256 },
  /**
   * Milliseconds. Node's timers hold at most 2^31 - 1 ms (about 24.8 days): a longer timeout
   * fires at once, so every request would fail at once.
   */
  requestTimeoutMs: { min: 1, max: 2_147_483_647 },
  /**
   * Requests a second. Below one request a minute a plan of a few logins takes hours: that is a
   * typo, not a rate limit.
   */
  requestsPerSecond: { min: 1 / 60, max: 10_000 },
} as const;
