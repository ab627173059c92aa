// Contract errors and transport edge cases, against a tiny local HTTP server that answers what
// each test tells it to: malformed bodies the simulator would never send.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CpqClient, CpqClientOptions } from "../../provider/client";
import {
  CpqConfigError,
  CpqContractError,
  CpqHttpError,
  createCpqClient,
} from "../../provider/client";

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

let handler: Handler = (_req, res) => res.end();
const seen: string[] = [];
const server = http.createServer((req, res) => {
  seen.push(`${req.method ?? ""} ${req.url ?? ""}`);
  handler(req, res);
});
let baseUrl = "";
const clients: CpqClient[] = [];

function json(status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): Handler {
  return (_req, res) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(typeof body === "string" ? body : JSON.stringify(body));
  };
}

function client(options: Partial<CpqClientOptions> = {}): CpqClient {
  const c = createCpqClient({
    baseUrl,
    auth: { kind: "basic", username: "cpqadmin", password: "pw-contract" },
    retryBaseDelayMs: 5,
    ...options,
  });
  clients.push(c);
  return c;
}

async function contractError(p: Promise<unknown>): Promise<CpqContractError> {
  const err: unknown = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof CpqContractError))
    throw new Error(`expected CpqContractError, got ${String(err)}`);
  return err;
}

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  seen.length = 0;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("CPQ client contract checks", () => {
  it("reports a mistyped SSO field as a contract error naming the endpoint and field", async () => {
    handler = json(200, { ssoMethod: "None", samlIdpUrl: 42 });
    const err = await contractError(client().getSsoConfiguration());
    expect(err.code).toBe("CPQ_CONTRACT");
    expect(err.endpoint).toBe("GET /rest/v19/ssoConfiguration");
    expect(err.field).toBe("samlIdpUrl");
    expect(err.message).toContain('field "samlIdpUrl" has the wrong type (expected string)');
  });

  it("tolerates unknown and absent SSO fields, and drops a password a site should not return", async () => {
    handler = json(200, { ssoMethod: "None", futureField: { a: 1 }, samlStorePass: "leaked" });
    const sso = await client().getSsoConfiguration();
    expect(sso).toEqual({ ssoMethod: "None" });
  });

  it("reports a POST answer without restartRequired as a contract error", async () => {
    handler = json(200, { statusCode: "200" });
    const err = await contractError(client().postSsoConfiguration({ ssoMethod: "None" }));
    expect(err.endpoint).toBe("POST /rest/v19/ssoConfiguration");
    expect(err.field).toBe("restartRequired");
    expect(err.message).toMatch(/is missing/);
  });

  it("reads restartRequired from CPQ's documented strings and from a boolean", async () => {
    handler = json(200, { restartRequired: "true", statusCode: "200" });
    await expect(client().postSsoConfiguration({})).resolves.toEqual({
      restartRequired: true,
      statusCode: "200",
      repeatedAfterLostAnswer: false,
    });
    handler = json(200, { restartRequired: false, statusCode: 200 });
    await expect(client().postSsoConfiguration({})).resolves.toEqual({
      restartRequired: false,
      statusCode: "200",
      repeatedAfterLostAnswer: false,
    });
    handler = json(200, { restartRequired: "yes", statusCode: "200" });
    expect((await contractError(client().postSsoConfiguration({}))).field).toBe("restartRequired");
  });

  it("names the nested field of a mistyped user in a page", async () => {
    handler = json(200, {
      items: [
        { partyNumber: "1", login: "a" },
        { partyNumber: "2", login: 7 },
      ],
      hasMore: false,
    });
    const err = await contractError(client().listUsers());
    expect(err.endpoint).toBe("GET /rest/v19/users");
    expect(err.field).toBe("items.1.login");
  });

  it("reports a users page without items (hasMore may be absent: Oracle prints no paging fields)", async () => {
    handler = json(200, { hasMore: false });
    expect((await contractError(client().listUsers())).field).toBe("items");
    handler = json(200, { items: [] });
    await expect(client().listUsers()).resolves.toEqual({ items: [] });
  });

  it("reports a body that is not JSON, or empty, as a contract error about the body", async () => {
    handler = json(200, "<html>login page</html>");
    const err = await contractError(client().getIntegrations());
    expect(err.field).toBe("(body)");
    expect(err.message).toMatch(/the body is not JSON/);
    handler = json(200, "");
    expect((await contractError(client().getIntegrations())).message).toMatch(/is empty/);
  });

  it("reports an unknown authType as a value outside the allowed ones", async () => {
    handler = json(200, { tab: "crm", login: "x", authType: "saml", tokenPresent: false });
    const err = await contractError(client().getUserIntegration("P1", "crm"));
    expect(err.field).toBe("authType");
    expect(err.message).toMatch(/outside "oauth", "password"/);
  });

  it("stops paging with a contract error when the server says hasMore but sends nothing", async () => {
    handler = json(200, { items: [], hasMore: true });
    const err = await contractError(client().listAllUsers());
    expect(err.field).toBe("items");
    expect(seen).toHaveLength(1);
  });

  it("stops paging at maxUsers instead of following hasMore forever", async () => {
    handler = json(200, { items: [{ partyNumber: "1", login: "a" }], hasMore: true });
    const err = await contractError(client().listAllUsers({ pageSize: 1, maxUsers: 3 }));
    expect(err.field).toBe("hasMore");
    expect(seen).toHaveLength(3);
  });

  it("pages by the number of items received", async () => {
    handler = (req, res) => {
      const offset = Number(new URL(req.url ?? "", "http://x").searchParams.get("offset"));
      const items =
        offset < 4
          ? [
              { partyNumber: `P${offset}`, login: `u${offset}` },
              { partyNumber: `P${offset + 1}`, login: "v" },
            ]
          : [];
      json(200, { items, hasMore: offset < 2 })(req, res);
    };
    const users = await client().listAllUsers({ pageSize: 2, q: '{"login":"u0"}' });
    expect(users.map((u) => u.partyNumber)).toEqual(["P0", "P1", "P2", "P3"]);
    expect(seen).toEqual([
      "GET /rest/v19/users?q=%7B%22login%22%3A%22u0%22%7D&limit=2&offset=0",
      "GET /rest/v19/users?q=%7B%22login%22%3A%22u0%22%7D&limit=2&offset=2",
    ]);
  });

  it("keeps a plain-text error body as the detail but leaves an HTML error page out", async () => {
    handler = (_req, res) => {
      res.writeHead(502, { "content-type": "text/plain" });
      res.end("upstream   timed out");
    };
    const err = (await client({ maxRetries: 0 })
      .getIntegrations()
      .catch((e: unknown) => e)) as CpqHttpError;
    expect(err).toBeInstanceOf(CpqHttpError);
    expect(err.detail).toBe("upstream timed out");
    handler = (_req, res) => {
      res.writeHead(404, { "content-type": "text/html" });
      res.end("<html><body>Not here</body></html>");
    };
    const e404 = (await client()
      .getIntegrations()
      .catch((e: unknown) => e)) as CpqHttpError;
    expect(e404.status).toBe(404);
    expect(e404.detail).toBeUndefined();
    expect(e404.message).toMatch(/Check base_url, api_version, path_prefix/);
  });

  it("treats a deleted-already integration (404) as deleted", async () => {
    handler = json(404, { status: 404, detail: "no login" });
    await expect(client().deleteUserIntegration("P1", "crm")).resolves.toBeUndefined();
  });
});

describe("CPQ client requests", () => {
  it("send the credentials, user agent, JSON content type and body CPQ expects", async () => {
    let headers: http.IncomingHttpHeaders = {};
    let body = "";
    handler = (req, res) => {
      headers = req.headers;
      req.setEncoding("utf8");
      req.on("data", (chunk: string) => (body += chunk));
      req.on("end", () => json(200, { restartRequired: "false", statusCode: "200" })(req, res));
    };
    await client({ userAgent: "cpq-sso-test/1.0" }).postSsoConfiguration({
      samlLogoutUrl: "https://x",
    });
    expect(headers).toMatchObject({
      authorization: `Basic ${Buffer.from("cpqadmin:pw-contract").toString("base64")}`,
      "user-agent": "cpq-sso-test/1.0",
      accept: "application/json",
      "content-type": "application/json",
    });
    expect(JSON.parse(body)).toEqual({ samlLogoutUrl: "https://x" });
  });

  it("reuse one keep-alive connection for consecutive requests", async () => {
    const ports = new Set<number>();
    handler = (req, res) => {
      ports.add(req.socket.remotePort ?? 0);
      json(200, { oauthEnabled: false, items: [] })(req, res);
    };
    const c = client();
    for (let i = 0; i < 10; i++) await c.getIntegrations();
    // undici may open a second socket while the first is still being marked idle; never ten.
    expect(ports.size).toBeLessThanOrEqual(2);
  });
});

describe("CPQ client lifecycle and retry details", () => {
  it("honours a Retry-After given as an HTTP date", async () => {
    const stamps: number[] = [];
    handler = (req, res) => {
      stamps.push(Date.now());
      if (stamps.length === 1) {
        // HTTP dates have one-second resolution: two seconds ahead means a wait of one to two.
        json(
          429,
          { detail: "slow down" },
          { "retry-after": new Date(Date.now() + 2000).toUTCString() },
        )(req, res);
      } else {
        json(200, { oauthEnabled: false, items: [] })(req, res);
      }
    };
    await client().getIntegrations();
    expect(stamps).toHaveLength(2);
    expect((stamps[1] ?? 0) - (stamps[0] ?? 0)).toBeGreaterThanOrEqual(900);
  });

  it("refuses requests after close with a message saying what to do", async () => {
    handler = json(200, { oauthEnabled: false, items: [] });
    const c = client();
    await c.getIntegrations();
    await c.close();
    await expect(c.getIntegrations()).rejects.toMatchObject({
      code: "CPQ_CONFIG",
      message: expect.stringMatching(/closed; create a new client/) as unknown,
    });
  });
});

describe("CPQ client transport safety", () => {
  it("refuses plain http to a host that is not loopback, before any request", () => {
    expect(() =>
      createCpqClient({
        baseUrl: "http://cpq.example.com",
        auth: { kind: "bearer", token: "t0ken" },
      }),
    ).toThrow(CpqConfigError);
    expect(() =>
      createCpqClient({
        baseUrl: "http://10.0.0.1:8080",
        auth: { kind: "bearer", token: "t0ken" },
      }),
    ).toThrow(/only allowed to loopback hosts/);
  });

  describe("over TLS", () => {
    let dir = "";
    let tlsServer: https.Server | undefined;
    let tlsUrl = "";
    let certPem = "";

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "cpq-client-tls-"));
      try {
        execFileSync(
          "openssl",
          [
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout",
            join(dir, "key.pem"),
            "-out",
            join(dir, "cert.pem"),
          ],
          { stdio: "ignore" },
        );
      } catch {
        console.warn("openssl is missing: the TLS tests are skipped");
        return;
      }
      certPem = readFileSync(join(dir, "cert.pem"), "utf8");
      tlsServer = https.createServer(
        { key: readFileSync(join(dir, "key.pem")), cert: certPem },
        (_req, res) => {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ ssoMethod: "None" }));
        },
      );
      const s = tlsServer;
      await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
      tlsUrl = `https://127.0.0.1:${(s.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      const s = tlsServer;
      if (s !== undefined) await new Promise<void>((resolve) => s.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    });

    it("refuses a certificate it cannot verify, without retrying, and says how to trust a private CA", async () => {
      if (tlsServer === undefined) return;
      const err = await client({ baseUrl: tlsUrl })
        .getSsoConfiguration()
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "CPQ_NETWORK", causeCode: "DEPTH_ZERO_SELF_SIGNED_CERT" });
      expect(String(err)).toMatch(/could not be verified.*ca_certificate/);
    });

    it("trusts the site when its CA is given as caCertificate", async () => {
      if (tlsServer === undefined) return;
      await expect(
        client({ baseUrl: tlsUrl, caCertificate: certPem }).getSsoConfiguration(),
      ).resolves.toEqual({
        ssoMethod: "None",
      });
    });
  });
});
