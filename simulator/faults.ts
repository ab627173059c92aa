/**
 * Injected faults, so tests can see how a client copes with throttling, slow answers, dropped
 * connections and cut-off bodies without a real flaky network.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { PathPatternError, compilePathPattern } from "./path-pattern";
import type { PathPattern } from "./path-pattern";

/** The body of `POST /__sim/faults`. */
export const faultSpecSchema = z.strictObject({
  method: z
    .string()
    .regex(/^[A-Za-z]+$/)
    .optional(),
  // A pattern language that matches in linear time (./path-pattern.ts): the admin API must not
  // be hung by a pattern that backtracks.
  path: z.string().superRefine((s, ctx) => {
    try {
      compilePathPattern(s);
    } catch (err) {
      if (!(err instanceof PathPatternError)) throw err;
      ctx.addIssue({
        code: "custom",
        message: `path must be a path pattern (a linear subset of JavaScript regular expressions): ${err.message}`,
      });
    }
  }),
  kind: z.enum(["status", "latency", "reset", "truncate", "late"]),
  status: z.number().int().min(400).max(599).optional(),
  retryAfter: z.number().int().min(0).optional(),
  latencyMs: z.number().int().min(0).max(600000).optional(),
  count: z.number().int().min(1).optional(),
});

/** A fault as posted. */
export type FaultSpec = z.infer<typeof faultSpecSchema>;

/** A registered fault. */
export interface Fault {
  readonly id: string;
  readonly method: string | undefined;
  readonly path: PathPattern;
  readonly kind: FaultSpec["kind"];
  readonly status: number;
  readonly retryAfter: number | undefined;
  readonly latencyMs: number;
  /** Requests still to affect; Infinity for "until cleared". */
  remaining: number;
}

/** What a request meets: total added latency and at most one terminal fault. */
export interface FaultPlan {
  readonly latencyMs: number;
  readonly terminal: Fault | undefined;
}

/** The registry of active faults. */
export class FaultRegistry {
  private faults: Fault[] = [];

  /** Registers a fault; returns its id. */
  add(spec: FaultSpec): string {
    const id = randomUUID();
    const isLatency = spec.kind === "latency";
    this.faults.push({
      id,
      method: spec.method?.toUpperCase(),
      path: compilePathPattern(spec.path),
      kind: spec.kind,
      // A throttling fault is the common case, so a bare status fault is a 429.
      status: spec.status ?? 429,
      retryAfter:
        spec.retryAfter ?? (spec.status === undefined || spec.status === 429 ? 1 : undefined),
      latencyMs: spec.latencyMs ?? (isLatency || spec.kind === "late" ? 1000 : 0),
      remaining: spec.count ?? (isLatency ? Infinity : 1),
    });
    return id;
  }

  /** Removes every fault. */
  clear(): void {
    this.faults = [];
  }

  /** The active faults, for `GET /__sim/faults`. */
  list(): object[] {
    return this.faults.map((f) => ({
      id: f.id,
      method: f.method ?? null,
      path: f.path.source,
      kind: f.kind,
      status: f.kind === "status" ? f.status : null,
      retryAfter: f.kind === "status" ? (f.retryAfter ?? null) : null,
      latencyMs: f.kind === "latency" || f.kind === "late" ? f.latencyMs : null,
      remaining: Number.isFinite(f.remaining) ? f.remaining : null,
    }));
  }

  /**
   * The faults a request meets, consuming one use of each: every matching latency fault (they
   * add up) and the first matching fault of another kind.
   */
  take(method: string, path: string): FaultPlan {
    let latencyMs = 0;
    let terminal: Fault | undefined;
    for (const f of this.faults) {
      if (f.method !== undefined && f.method !== method) continue;
      if (!f.path.test(path)) continue;
      if (f.kind === "latency") {
        latencyMs += f.latencyMs;
        f.remaining -= 1;
      } else if (!terminal) {
        terminal = f;
        f.remaining -= 1;
      }
    }
    this.faults = this.faults.filter((f) => f.remaining > 0);
    return { latencyMs, terminal };
  }
}
