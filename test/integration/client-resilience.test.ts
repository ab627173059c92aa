// Retries, timeouts, budgets and limits, against the simulator's injected faults.
import { CpqHttpError, CpqNetworkError, CpqTimeoutError } from "../../provider/client";
import {
  addFault,
  failure,
  loggedRequests,
  memoryLogger,
  simulatorWithClients,
} from "./client-helpers";

const fx = simulatorWithClients();
const clients = fx.clients;

const SSO = "/rest/v19/ssoConfiguration";

async function countOf(method: string, path: string): Promise<number> {
  return (await loggedRequests(fx.sim)).filter((r) => r.method === method && r.path === path)
    .length;
}

describe("CPQ client retries", () => {
  it("waits as long as Retry-After asks before retrying a 429", async () => {
    await addFault(fx.sim, {
      path: "ssoConfiguration$",
      kind: "status",
      status: 429,
      retryAfter: 1,
      count: 1,
    });
    const logger = memoryLogger();
    const started = Date.now();
    await expect(clients.make({ logger }).getSsoConfiguration()).resolves.toBeDefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    const retry = logger.lines.find((l) => l.msg.includes("retrying"));
    expect(retry?.fields).toMatchObject({
      method: "GET",
      path: SSO,
      attempt: 1,
      reason: "429",
      retryAfterMs: 1000,
    });
    expect(await countOf("GET", SSO)).toBe(2);
  });

  it("rides out a burst of 503s and logs each retry", async () => {
    await addFault(fx.sim, { path: "ssoConfiguration$", kind: "status", status: 503, count: 3 });
    const logger = memoryLogger();
    await expect(clients.make({ logger }).getSsoConfiguration()).resolves.toBeDefined();
    expect(
      logger.lines.filter((l) => l.msg.includes("retrying")).map((l) => l.fields?.["attempt"]),
    ).toEqual([1, 2, 3]);
    expect(await countOf("GET", SSO)).toBe(4);
  });

  it("logs each retry at INFO with CPQ's reason and the wait, and the last one with why it stops", async () => {
    await addFault(fx.sim, { path: "ssoConfiguration$", kind: "status", status: 503, count: 10 });
    const logger = memoryLogger();
    await failure(
      clients.make({ logger, maxRetries: 2, retryBaseDelayMs: 10 }).getSsoConfiguration(),
    );
    const info = logger.lines.filter((l) => l.level === "info").map((l) => l.msg);
    expect(info).toHaveLength(3);
    expect(info[0]).toMatch(
      /^cpq request failed; retrying GET \/rest\/v19\/ssoConfiguration in \d+\.\d s: CPQ answered 503 Service Unavailable; retry 1 of at most 2$/,
    );
    expect(info[1]).toContain("retry 2 of at most 2");
    expect(info[2]).toBe(
      "cpq request failed; no retries left: CPQ answered 503 Service Unavailable to GET /rest/v19/ssoConfiguration after 3 attempts (max_retries = 2)",
    );
  });

  it("says a connection failure it retries in words, with the system's code", async () => {
    await addFault(fx.sim, { path: "users$", kind: "reset", count: 1 });
    const logger = memoryLogger();
    await clients.make({ logger }).listUsers();
    const retry = logger.lines.find((l) => l.level === "info" && l.msg.includes("retrying"));
    expect(retry?.msg).toMatch(/closed the connection before the answer was complete \(\w+\)/);
  });

  it("gives up after maxRetries with the last answer as an HTTP error", async () => {
    await addFault(fx.sim, { path: "ssoConfiguration$", kind: "status", status: 502, count: 10 });
    const err = await failure(clients.make({ maxRetries: 2 }).getSsoConfiguration());
    expect(err).toBeInstanceOf(CpqHttpError);
    expect(err).toMatchObject({ status: 502 });
    expect(String(err)).toMatch(/server fault: retry later/);
    expect(await countOf("GET", SSO)).toBe(3);
  });

  it("retries a connection reset", async () => {
    await addFault(fx.sim, { path: "users$", kind: "reset", count: 1 });
    await expect(clients.make().listUsers()).resolves.toMatchObject({ hasMore: false });
  });

  it("retries a truncated body", async () => {
    await addFault(fx.sim, { path: "users/1001$", kind: "truncate", count: 1 });
    const logger = memoryLogger();
    await expect(clients.make({ logger }).getUser("1001")).resolves.toMatchObject({
      login: "jdoe",
    });
    expect(logger.lines.filter((l) => l.msg.includes("retrying"))).toHaveLength(1);
  });

  it("reports a connection that keeps failing as a network error", async () => {
    await addFault(fx.sim, { path: "users$", kind: "reset", count: 5 });
    const err = await failure(clients.make({ maxRetries: 1 }).listUsers());
    expect(err).toBeInstanceOf(CpqNetworkError);
    expect(err).toMatchObject({ code: "CPQ_NETWORK", method: "GET", path: "/rest/v19/users" });
    expect(String(err)).toMatch(/closed the connection before the answer was complete/);
  });

  it("marks the error that ends retries begun after an unclear attempt, so a caller can read back (transport-unclear-then-refused)", async () => {
    await addFault(fx.sim, { method: "POST", path: "ssoConfiguration$", kind: "reset", count: 3 });
    const once = await failure(
      clients.make({ maxRetries: 0 }).postSsoConfiguration({ samlLogoutUrl: "https://a.example/" }),
    );
    expect(once).toMatchObject({ code: "CPQ_NETWORK", afterUnclearAttempt: false });
    const retried = await failure(
      clients.make({ maxRetries: 1 }).postSsoConfiguration({ samlLogoutUrl: "https://a.example/" }),
    );
    expect(retried).toMatchObject({ code: "CPQ_NETWORK", afterUnclearAttempt: true });
  });

  it("marks an error answer that ends retries begun after an unclear attempt too, so the restart a lost POST may have caused is read back (unclear-then-4xx)", async () => {
    await addFault(fx.sim, { method: "POST", path: "ssoConfiguration$", kind: "reset", count: 1 });
    await addFault(fx.sim, {
      method: "POST",
      path: "ssoConfiguration$",
      kind: "status",
      status: 400,
      count: 1,
    });
    const err = await failure(
      clients.make({ maxRetries: 1 }).postSsoConfiguration({ samlLogoutUrl: "https://a.example/" }),
    );
    expect(err).toMatchObject({ code: "CPQ_HTTP", status: 400, afterUnclearAttempt: true });
  });

  it("retries the SSO POST (a merge) and the Check action, which are safe to repeat", async () => {
    await addFault(fx.sim, {
      method: "POST",
      path: "ssoConfiguration$",
      kind: "status",
      status: 503,
      count: 1,
    });
    await addFault(fx.sim, { method: "POST", path: "actions/check$", kind: "reset", count: 1 });
    const client = clients.make();
    await expect(
      client.postSsoConfiguration({ samlLogoutUrl: "https://x" }),
    ).resolves.toBeDefined();
    await expect(
      client.checkUserIntegration("1001", "erp", {
        login: "jdoe@erp.example.com",
        authType: "password",
        password: "x",
      }),
    ).resolves.toMatchObject({ valid: false });
  });

  it("retries a token revocation after a 503 or a lost answer, since revoking twice is harmless", async () => {
    const client = clients.make();
    await client.putUserIntegration("1001", "crm", {
      login: "jdoe@sales",
      authType: "oauth",
      password: "crm-password",
    });
    await addFault(fx.sim, { method: "POST", path: "revokeToken$", kind: "status", status: 503 });
    await expect(client.revokeUserIntegrationToken("1001", "crm")).resolves.toMatchObject({
      tokenPresent: false,
    });
    await addFault(fx.sim, { method: "POST", path: "revokeToken$", kind: "reset", count: 1 });
    await expect(client.revokeUserIntegrationToken("1001", "crm")).resolves.toMatchObject({
      tokenPresent: false,
    });
    expect(await countOf("POST", "/rest/v19/users/1001/integrations/crm/actions/revokeToken")).toBe(
      4,
    );
  });

  it("retries a 429 on a token revocation, waiting as CPQ asks", async () => {
    const client = clients.make();
    await client.putUserIntegration("1001", "crm", {
      login: "jdoe@sales",
      authType: "oauth",
      password: "crm-password",
    });
    await addFault(fx.sim, {
      method: "POST",
      path: "revokeToken$",
      kind: "status",
      status: 429,
      retryAfter: 0,
      count: 1,
    });
    await expect(client.revokeUserIntegrationToken("1001", "crm")).resolves.toMatchObject({
      tokenPresent: false,
    });
    const revokes = (await loggedRequests(fx.sim)).filter((r) => r.path.endsWith("/revokeToken"));
    expect(revokes.map((r) => r.status)).toEqual([429, 200]);
  });

  it("does not retry answers that will not change, such as a 400", async () => {
    await expect(
      clients.make().postSsoConfiguration({ ssoMethod: "Sometimes" }),
    ).rejects.toMatchObject({ status: 400 });
    expect(await countOf("POST", SSO)).toBe(1);
  });

  it("starts no retry beyond the total retry budget", async () => {
    // Retry-After of 2 s with a budget of 1 s: the client gives up at once instead of waiting.
    await addFault(fx.sim, {
      path: "ssoConfiguration$",
      kind: "status",
      status: 429,
      retryAfter: 2,
      count: 5,
    });
    const logger = memoryLogger();
    const started = Date.now();
    const err = await failure(clients.make({ maxRetryTimeMs: 1000, logger }).getSsoConfiguration());
    expect(Date.now() - started).toBeLessThan(1000);
    expect(err).toMatchObject({ status: 429, retryAfterMs: 2000 });
    expect(String(err)).toMatch(/CPQ asked to wait 2 s/);
    expect(logger.lines.some((l) => l.msg.includes("budget"))).toBe(true);
    expect(await countOf("GET", SSO)).toBe(1);
  });

  it("keeps retries within the budget when each backoff is allowed", async () => {
    await addFault(fx.sim, { path: "ssoConfiguration$", kind: "status", status: 503, count: 50 });
    const started = Date.now();
    await failure(
      clients
        .make({ maxRetries: 20, maxRetryTimeMs: 300, retryBaseDelayMs: 40, retryMaxDelayMs: 80 })
        .getSsoConfiguration(),
    );
    expect(Date.now() - started).toBeLessThan(1000);
    const attempts = await countOf("GET", SSO);
    expect(attempts).toBeGreaterThan(2);
    expect(attempts).toBeLessThan(21);
  });
});

describe("CPQ client timeouts and limits", () => {
  it("reports an answer slower than requestTimeoutMs as a timeout", async () => {
    await addFault(fx.sim, { path: "integrations$", kind: "latency", latencyMs: 1000, count: 1 });
    const started = Date.now();
    const err = await failure(clients.make({ requestTimeoutMs: 200 }).getIntegrations());
    expect(Date.now() - started).toBeLessThan(900);
    expect(err).toBeInstanceOf(CpqTimeoutError);
    expect(err).toMatchObject({
      code: "CPQ_TIMEOUT",
      method: "GET",
      path: "/rest/v19/integrations",
      timeoutMs: 200,
    });
    expect(String(err)).toMatch(/within 200 ms.*raise request_timeout/);
  });

  it("keeps no more than maxConcurrency requests in flight", async () => {
    await addFault(fx.sim, { path: "users/", kind: "latency", latencyMs: 150 });
    const client = clients.make({ maxConcurrency: 2 });
    const started = Date.now();
    await Promise.all(
      ["1001", "1002", "1003", "1001", "1002", "1003"].map((p) => client.getUser(p)),
    );
    // Six 150 ms answers, two at a time, take three rounds; all at once would take one.
    expect(Date.now() - started).toBeGreaterThanOrEqual(440);
    // Arrival times at the simulator: never more than two within one answer's latency.
    const arrivals = (await loggedRequests(fx.sim))
      .map((r) => Date.parse(String(r.at)))
      .sort((a, b) => a - b);
    expect(arrivals).toHaveLength(6);
    for (let i = 2; i < arrivals.length; i++) {
      expect((arrivals[i] ?? 0) - (arrivals[i - 2] ?? 0)).toBeGreaterThanOrEqual(140);
    }
  });

  it("starts no more than requestsPerSecond requests per second", async () => {
    const client = clients.make({ requestsPerSecond: 10 });
    const started = Date.now();
    await Promise.all(Array.from({ length: 5 }, () => client.getIntegrations()));
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
  });
});
