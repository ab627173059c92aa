import {
  CpqConfigError,
  CpqContractError,
  CpqError,
  CpqHttpError,
  SSO_READABLE_FIELDS,
  SSO_WIRE_FIELDS,
  SsoConfigurationWireSchema,
  UsersPageWireSchema,
  createCpqClient,
  isCpqError,
  isLoopbackHost,
  loginQuery,
} from "../../provider/client";
import { Limiter, sleep } from "../../provider/client/limiter";
import { expandPath, resolveOptions } from "../../provider/client/options";
import type { CpqClientOptions, CpqPaths } from "../../provider/client/options";
import { Redactor } from "../../provider/client/redact";
import { firstIssue } from "../../provider/client/responses";
import { backoffDelay, parseRetryAfter } from "../../provider/client/retry";

const basic = { kind: "basic", username: "admin", password: "pw-secret" } as const;

function configError(options: Partial<CpqClientOptions>): CpqConfigError {
  try {
    resolveOptions({ baseUrl: "https://cpq.example.com", auth: basic, ...options });
  } catch (err) {
    if (err instanceof CpqConfigError) return err;
    throw err;
  }
  throw new Error("expected a CpqConfigError");
}

describe("client options", () => {
  it("fills in the documented defaults", () => {
    const o = resolveOptions({ baseUrl: "https://cpq.example.com/", auth: basic });
    expect(o).toMatchObject({
      origin: "https://cpq.example.com",
      basePath: "",
      apiVersion: "v19",
      pathPrefix: "",
      requestTimeoutMs: 30_000,
      maxRetries: 4,
      maxRetryTimeMs: 60_000,
      maxConcurrency: 4,
      requestsPerSecond: undefined,
      userAgent: "cpq-sso",
    });
  });

  it("accepts plain http only to loopback hosts", () => {
    for (const host of ["localhost", "127.0.0.1", "127.9.8.7", "[::1]"]) {
      expect(() => resolveOptions({ baseUrl: `http://${host}:8080`, auth: basic })).not.toThrow();
    }
    const err = configError({ baseUrl: "http://cpq.example.com" });
    expect(err.code).toBe("CPQ_CONFIG");
    expect(err.option).toBe("baseUrl");
    expect(err.message).toMatch(/plain http is only allowed to loopback hosts.*use https/);
  });

  it("recognises loopback addresses in every form URL normalises them to", () => {
    expect(isLoopbackHost("LOCALHOST")).toBe(true);
    expect(isLoopbackHost(new URL("http://0x7f000001/").hostname)).toBe(true);
    expect(isLoopbackHost(new URL("http://[::ffff:127.0.0.1]/").hostname)).toBe(true);
    expect(isLoopbackHost("128.0.0.1")).toBe(false);
    expect(isLoopbackHost("localhost.example.com")).toBe(false);
    expect(isLoopbackHost("[::2]")).toBe(false);
  });

  it("refuses an OAuth token URL over plain http to a remote host", () => {
    const err = configError({
      auth: {
        kind: "oauth",
        tokenUrl: "http://idp.example.com/token",
        clientId: "id",
        clientSecret: "s3cret",
      },
    });
    expect(err.option).toBe("auth.tokenUrl");
  });

  it("refuses credentials in the base URL without repeating them", () => {
    const err = configError({ baseUrl: "https://admin:hunter22@cpq.example.com" });
    expect(err.message).not.toContain("hunter22");
    expect(err.message).toMatch(/credentials/);
  });

  it("does not echo a malformed URL, which may hold a secret", () => {
    const err = configError({ baseUrl: "not a url hunter22" });
    expect(err.message).not.toContain("hunter22");
  });

  it("refuses unsupported versions, prefixes and limits with the option named", () => {
    expect(configError({ apiVersion: "v20" }).option).toBe("apiVersion");
    // Oracle supports the current version and the two before it: v16 is past that.
    expect(configError({ apiVersion: "v16" }).message).toContain("use one of v17, v18, v19");
    expect(configError({ pathPrefix: "/fusion" }).option).toBe("pathPrefix");
    expect(configError({ maxConcurrency: 0 }).option).toBe("maxConcurrency");
    expect(configError({ requestsPerSecond: -1 }).option).toBe("requestsPerSecond");
    expect(configError({ requestTimeoutMs: 1.5 }).option).toBe("requestTimeoutMs");
    expect(configError({ caCertificate: "not pem" }).option).toBe("caCertificate");
  });

  it("refuses incomplete credentials", () => {
    expect(configError({ auth: { kind: "basic", username: "", password: "x" } }).option).toBe(
      "auth.username",
    );
    expect(configError({ auth: { kind: "bearer", token: "" } }).option).toBe("auth.token");
    expect(configError({ auth: { kind: "basic", username: "a:b", password: "x" } }).option).toBe(
      "auth.username",
    );
    expect(
      configError({ auth: { kind: "nope" } as unknown as CpqClientOptions["auth"] }).option,
    ).toBe("auth");
  });

  it("refuses path templates with unknown or missing placeholders", () => {
    expect(configError({ paths: { user: "/rest/{version}/users/{login}" } }).message).toMatch(
      /\{login\}/,
    );
    expect(configError({ paths: { userIntegration: "/x/{partyNumber}" } }).message).toMatch(
      /must contain \{tab\}/,
    );
    expect(configError({ paths: { users: "rest/users" } }).option).toBe("paths.users");
    expect(configError({ paths: { bogus: "/x" } as unknown as Partial<CpqPaths> }).option).toBe(
      "paths.bogus",
    );
  });

  it("fills templates with the prefix, version and URL-encoded segments", () => {
    const o = resolveOptions({
      baseUrl: "https://cpq.example.com/base/",
      auth: basic,
      pathPrefix: "/cpq",
      apiVersion: "v17",
      paths: { userIntegration: "{prefix}/custom/{version}/u/{partyNumber}/t/{tab}" },
    });
    expect(expandPath(o, "ssoConfiguration")).toBe("/base/cpq/rest/v17/ssoConfiguration");
    expect(expandPath(o, "userIntegration", { partyNumber: "a/b c", tab: "crm?x" })).toBe(
      "/base/cpq/custom/v17/u/a%2Fb%20c/t/crm%3Fx",
    );
    expect(() => expandPath(o, "user", { partyNumber: ".." })).toThrow(CpqConfigError);
    expect(() => expandPath(o, "user", {})).toThrow(CpqConfigError);
  });

  it("validates the options when the client is created, before any request", () => {
    expect(() => createCpqClient({ baseUrl: "ftp://x", auth: basic })).toThrow(CpqConfigError);
  });
});

describe("retry policy", () => {
  it("reads Retry-After as seconds", () => {
    expect(parseRetryAfter("2")).toBe(2000);
    expect(parseRetryAfter(["0"])).toBe(0);
  });

  it("reads Retry-After as an HTTP date relative to now", () => {
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:03 GMT", now)).toBe(3000);
    expect(parseRetryAfter("Tue, 31 Dec 2024 23:59:00 GMT", now)).toBe(0);
  });

  it("ignores an absent or unreadable Retry-After", () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter("-1")).toBeUndefined();
  });

  it("doubles the backoff per retry, with jitter between half and the whole step, up to the cap", () => {
    expect(backoffDelay(1, 100, 10_000, () => 0)).toBe(50);
    expect(backoffDelay(1, 100, 10_000, () => 1)).toBe(100);
    expect(backoffDelay(3, 100, 10_000, () => 1)).toBe(400);
    expect(backoffDelay(20, 100, 1000, () => 1)).toBe(1000);
  });
});

describe("limiter", () => {
  it("never lets more than maxConcurrency callers hold a slot, and serves them in order", async () => {
    const limiter = new Limiter(2, undefined);
    let active = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const release = await limiter.acquire();
        order.push(i);
        active++;
        peak = Math.max(peak, active);
        await sleep(10);
        active--;
        release();
        release();
      }),
    );
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(limiter.inFlight).toBe(0);
  });

  it("spaces request starts by the requests-per-second limit", async () => {
    const limiter = new Limiter(10, 20);
    const started = Date.now();
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 5 }, async () => {
        const release = await limiter.acquire();
        starts.push(Date.now() - started);
        release();
      }),
    );
    // 5 starts at 20/s: the last no earlier than 4 x 50 ms.
    expect(Math.max(...starts)).toBeGreaterThanOrEqual(190);
  });
});

describe("redaction", () => {
  it("masks a secret and its URL-encoded, JSON-escaped and base64 forms", () => {
    const r = new Redactor(['p@ss "word"']);
    const b64 = Buffer.from('p@ss "word"').toString("base64");
    const text = `a p@ss "word" b ${encodeURIComponent('p@ss "word"')} c p@ss \\"word\\" d ${b64}`;
    expect(r.redact(text)).toBe("a *** b *** c *** d ***");
  });

  it("keeps the base redactor unchanged when a request adds its own secrets", () => {
    const base = new Redactor(["alpha-secret"]);
    const perRequest = base.with(["beta-secret"]);
    expect(perRequest.redact("alpha-secret beta-secret")).toBe("*** ***");
    expect(base.redact("beta-secret")).toBe("beta-secret");
  });
});

describe("errors", () => {
  it("carry a stable code and a message with the cause and the fix", () => {
    const err = new CpqHttpError({
      status: 403,
      method: "GET",
      path: "/rest/v19/ssoConfiguration",
      detail: "Not an administrator",
      errorDetails: [{ path: "", detail: "x" }],
    });
    expect(err).toBeInstanceOf(CpqError);
    expect(isCpqError(err, "CPQ_HTTP")).toBe(true);
    expect(isCpqError(err, "CPQ_NETWORK")).toBe(false);
    expect(err.name).toBe("CpqHttpError");
    expect(err.message).toMatch(
      /^CPQ answered 403 Forbidden to GET \/rest\/v19\/ssoConfiguration: Not an administrator\./,
    );
    expect(err.message).toMatch(/must be a CPQ administrator/);
    expect(err.errorPaths).toEqual([]);
  });

  it("name the refused fields of a 400", () => {
    const err = new CpqHttpError({
      status: 400,
      method: "POST",
      path: "/rest/v19/ssoConfiguration",
      errorCode: "CPQ-SSO-INVALID-VALUE",
      errorDetails: [{ path: "samlUserIdType", detail: "bad" }],
    });
    expect(err.errorPaths).toEqual(["samlUserIdType"]);
    expect(err.message).toContain("(fields: samlUserIdType)");
  });

  it("say how long CPQ asked to wait when rate limited", () => {
    const err = new CpqHttpError({ status: 429, method: "GET", path: "/x", retryAfterMs: 120_000 });
    expect(err.message).toMatch(/wait 120 s.*requests_per_second/);
  });
});

describe("wire schemas", () => {
  it("list the 15 SSO fields, 13 of them readable", () => {
    expect(SSO_WIRE_FIELDS).toHaveLength(15);
    expect(SSO_READABLE_FIELDS).toHaveLength(13);
    expect(SSO_READABLE_FIELDS).not.toContain("samlStorePass");
  });

  it("tolerate unknown fields and absent SSO fields", () => {
    expect(SsoConfigurationWireSchema.safeParse({ ssoMethod: "None", newField: 1 }).success).toBe(
      true,
    );
  });

  it("describe a mistyped or missing field by its path, without its value", () => {
    const mistyped = UsersPageWireSchema.safeParse({
      items: [{ partyNumber: "1", login: 42 }],
      hasMore: false,
    });
    expect(mistyped.success).toBe(false);
    if (!mistyped.success) {
      expect(firstIssue(mistyped.error)).toEqual({
        field: "items.0.login",
        problem: "has the wrong type (expected string)",
      });
    }
    const missing = UsersPageWireSchema.safeParse({ hasMore: false });
    if (!missing.success)
      expect(firstIssue(missing.error)).toEqual({
        field: "items",
        problem: "is missing (expected array)",
      });
    expect(missing.success).toBe(false);
  });

  it("word contract errors with the endpoint and the field", () => {
    const err = new CpqContractError({
      endpoint: "GET /rest/v19/users",
      field: "hasMore",
      problem: "is missing",
    });
    expect(err.code).toBe("CPQ_CONTRACT");
    expect(err.message).toMatch(/^GET \/rest\/v19\/users answered .* field "hasMore" is missing/);
  });
});

describe("loginQuery", () => {
  it("builds CPQ's q filter for one login or several", () => {
    expect(loginQuery("jdoe")).toBe('{"login":"jdoe"}');
    expect(loginQuery(["a", "b"])).toBe('{"login":{"$in":["a","b"]}}');
  });
});
