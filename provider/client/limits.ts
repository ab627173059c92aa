/**
 * The ranges the client accepts for its tunables. A module of its own, importing nothing, so the
 * provider checks its configuration at plan with the very ranges the client enforces, without
 * loading the client.
 */
export const CLIENT_LIMITS = {
  maxRetries: { min: 0, max: 20 },
  maxConcurrency: { min: 1, max: 256 },
} as const;
