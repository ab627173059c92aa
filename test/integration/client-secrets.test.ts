// No secret in any error or log line: canary values are sent in requests that fail in each way
// the client knows, and searched for in everything the failure leaves behind.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { CpqClient, CpqClientOptions } from "../../provider/client";
import { CpqError } from "../../provider/client";
import type { MemoryLogger } from "./client-helpers";
import { ADMIN, addFault, failure, memoryLogger, simulatorWithClients } from "./client-helpers";

const CANARY = {
  password: "canary-basic-password-4q7",
  token: "canary-bearer-token-4q7",
  clientSecret: "canary-client-secret-4q7",
  samlStorePass: "canary-store-pass-4q7",
  samlKeyPass: "canary-key-pass-4q7",
  keystore: "canary-keystore-4q7",
  partnerPassword: "canary-partner-password-4q7",
  securityToken: "canary-security-token-4q7",
};

const SSO_BODY = {
  ssoMethod: "None",
  samlNeedRequestSigned: "true",
  samlRequestKeyStore: CANARY.keystore,
  samlStorePass: CANARY.samlStorePass,
  samlKeyPass: CANARY.samlKeyPass,
};
const PARTNER_BODY = {
  login: "jdoe@erp.example.com",
  authType: "password" as const,
  password: CANARY.partnerPassword,
  securityToken: CANARY.securityToken,
};

const fx = simulatorWithClients();
const clients = fx.clients;

// A server that echoes everything it receives (auth header included) into CPQ's error shape and
// into malformed success bodies: the worst a site could do.
const echo = http.createServer((req, res) => {
  let body = "";
  req.setEncoding("utf8");
  req.on("data", (c: string) => (body += c));
  req.on("end", () => {
    const told = `${req.headers.authorization ?? ""} ${body} ${decodeURIComponent(req.url ?? "")}`;
    if (
      req.url?.includes("ssoConfiguration") === true &&
      req.method === "POST" &&
      body.includes("echo-ok")
    ) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ restartRequired: told, statusCode: told }));
      return;
    }
    if (req.url?.includes("/actions/check") === true && body.includes("quote-back")) {
      // The partner's refusal, quoting what it was given.
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ valid: false, message: `Refused ${body}` }));
      return;
    }
    if (req.url?.includes("bare-credential") === true) {
      // Only the credential, without its "Basic " scheme.
      const bare = (req.headers.authorization ?? "").replace(/^Basic /, "");
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ detail: `bad credential ${bare}` }));
      return;
    }
    res.writeHead(400, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        title: told,
        detail: `Refused: ${told}`,
        "o:errorCode": told,
        "o:errorDetails": [{ detail: told, "o:errorPath": told }],
      }),
    );
  });
});
let echoUrl = "";

beforeAll(async () => {
  await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
  echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => echo.close(() => resolve()));
});

function expectNoCanary(err: unknown, logger: MemoryLogger): void {
  expect(err).toBeInstanceOf(CpqError);
  const e = err as CpqError;
  const leftovers = [e.message, String(e), JSON.stringify(e), e.stack ?? "", logger.text()].join(
    "\n",
  );
  for (const [name, value] of Object.entries(CANARY)) {
    if (leftovers.includes(value)) throw new Error(`the ${name} canary leaked:\n${leftovers}`);
    expect(leftovers).not.toContain(Buffer.from(value).toString("base64"));
  }
}

interface Scenario {
  readonly name: string;
  readonly options?: (logger: MemoryLogger) => Partial<CpqClientOptions>;
  readonly setup?: () => Promise<void>;
  readonly call: (c: CpqClient) => Promise<unknown>;
  readonly code: string;
}

const postSso = (c: CpqClient): Promise<unknown> => c.postSsoConfiguration(SSO_BODY);
const putPartner = (c: CpqClient): Promise<unknown> =>
  c.putUserIntegration("1001", "erp", PARTNER_BODY);
const checkPartner = (c: CpqClient): Promise<unknown> =>
  c.checkUserIntegration("1001", "erp", PARTNER_BODY);

const scenarios: Scenario[] = [
  {
    name: "a refused Basic password",
    options: () => ({ auth: { kind: "basic", username: "cpqadmin", password: CANARY.password } }),
    call: postSso,
    code: "CPQ_HTTP",
  },
  {
    name: "a refused bearer token",
    options: () => ({ auth: { kind: "bearer", token: CANARY.token } }),
    call: putPartner,
    code: "CPQ_HTTP",
  },
  {
    name: "a refused OAuth client secret",
    options: () => ({
      auth: {
        kind: "oauth",
        tokenUrl: `${fx.sim.url}/oauth2/v1/token`,
        clientId: "cpq-sso-demo",
        clientSecret: CANARY.clientSecret,
      },
    }),
    call: postSso,
    code: "CPQ_HTTP",
  },
  {
    name: "a 400 for SSO settings with secrets",
    call: (c) => c.postSsoConfiguration({ ...SSO_BODY, samlUserIdType: "foo" }),
    code: "CPQ_HTTP",
  },
  {
    name: "a 400 for a partner login with a password and security token",
    call: (c) => c.putUserIntegration("1001", "crm", PARTNER_BODY),
    code: "CPQ_HTTP",
  },
  {
    name: "503s until the retries run out",
    setup: () => addFault(fx.sim, { path: ".*", kind: "status", status: 503, count: 20 }),
    call: postSso,
    code: "CPQ_HTTP",
  },
  {
    name: "a timeout",
    options: () => ({ requestTimeoutMs: 100 }),
    setup: () => addFault(fx.sim, { path: "integrations", kind: "latency", latencyMs: 400 }),
    call: checkPartner,
    code: "CPQ_TIMEOUT",
  },
  {
    name: "connection resets until the retries run out",
    options: () => ({ maxRetries: 1 }),
    setup: () => addFault(fx.sim, { path: ".*", kind: "reset", count: 20 }),
    call: putPartner,
    code: "CPQ_NETWORK",
  },
  {
    name: "truncated bodies until the retries run out",
    options: () => ({ maxRetries: 1 }),
    setup: () => addFault(fx.sim, { path: ".*", kind: "truncate", count: 20 }),
    call: checkPartner,
    code: "CPQ_NETWORK",
  },
  {
    name: "a server that echoes the request and credentials in its error",
    options: () => ({
      baseUrl: echoUrl,
      auth: { kind: "basic", username: "cpqadmin", password: CANARY.password },
    }),
    call: (c) => c.checkUserIntegration("1001", "erp", PARTNER_BODY),
    code: "CPQ_HTTP",
  },
  {
    name: "a server that echoes SSO secrets and the bearer token in its error",
    options: () => ({ baseUrl: echoUrl, auth: { kind: "bearer", token: CANARY.token } }),
    call: postSso,
    code: "CPQ_HTTP",
  },
  {
    name: "a server that echoes secrets into a body breaking the contract",
    options: () => ({
      baseUrl: echoUrl,
      auth: { kind: "basic", username: "cpqadmin", password: CANARY.password },
    }),
    call: (c) => c.postSsoConfiguration({ ...SSO_BODY, samlLogoutUrl: "echo-ok" }),
    code: "CPQ_CONTRACT",
  },
];

describe("CPQ client secrets", () => {
  it.each(scenarios)("never shows a secret after $name", async (s) => {
    const logger = memoryLogger();
    await s.setup?.();
    const client = clients.make({ auth: ADMIN, logger, ...(s.options?.(logger) ?? {}) });
    const err = await failure(s.call(client));
    expect(err).toMatchObject({ code: s.code });
    expectNoCanary(err, logger);
  });

  it("masks secrets the partner quotes back in the Check action's message", async () => {
    const client = clients.make({ baseUrl: echoUrl, auth: ADMIN });
    const check = await client.checkUserIntegration("1001", "erp", {
      ...PARTNER_BODY,
      login: "quote-back@erp.example.com",
    });
    expect(check.valid).toBe(false);
    expect(check.message).toContain("Refused");
    expect(check.message).not.toContain(CANARY.partnerPassword);
    expect(check.message).not.toContain(CANARY.securityToken);
  });

  it("masks a Basic credential echoed without its scheme", async () => {
    const logger = memoryLogger();
    const client = clients.make({
      baseUrl: echoUrl,
      auth: { kind: "basic", username: "admin", password: CANARY.password },
      logger,
    });
    const err = await failure(client.listUsers({ q: "bare-credential" }));
    expect((err as { detail: string }).detail).toBe("bad credential ***");
    expectNoCanary(err, logger);
  });

  it("masks echoed secrets in CPQ's detail but keeps the rest of it", async () => {
    const logger = memoryLogger();
    const client = clients.make({
      baseUrl: echoUrl,
      auth: { kind: "bearer", token: CANARY.token },
      logger,
    });
    const err = await failure(client.postSsoConfiguration(SSO_BODY));
    expect(err).toMatchObject({ status: 400 });
    expect((err as { detail: string }).detail).toMatch(
      /^Refused: Bearer \*\*\* .*"samlStorePass":"\*\*\*"/,
    );
  });
});
