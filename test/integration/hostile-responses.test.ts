/**
 * Malformed and hostile answers from "CPQ", against every method of the real client: a local
 * server on loopback answers wrong types, bodies that are not JSON, HTML error pages, redirects,
 * a 50 MiB body and a slow trickle. Each must end in a CpqError (contract, HTTP or timeout) whose
 * message names the endpoint, and never in another exception, a hang, or memory spent on the body.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { CpqClient } from "../../provider/client";
import { CpqError, createCpqClient } from "../../provider/client";
import { MAX_RESPONSE_BYTES } from "../../provider/client/transport";

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const MiB = 1024 * 1024;
const PASSWORD = "canary-hostile-password-5be1";

/** Writes `total` bytes of `fill` in 1 MiB chunks with backpressure; stops when the peer leaves. */
async function stream(res: http.ServerResponse, total: number, fill = "x"): Promise<void> {
  const chunk = Buffer.alloc(MiB, fill);
  for (let sent = 0; sent < total && !res.destroyed; sent += chunk.length) {
    if (!res.write(chunk)) {
      // Either ends the wait; the other listener goes too, or every chunk would add one more.
      await new Promise<void>((resolve) => {
        const done = (): void => {
          res.off("drain", done);
          res.off("close", done);
          resolve();
        };
        res.once("drain", done);
        res.once("close", done);
      });
    }
  }
  res.end();
}

/** The hostile answers, by name; `kind` is the CpqError code each must produce. */
const ANSWERS: Record<string, { handler: Handler; code: CpqError["code"] }> = {
  "every field of the wrong type": {
    code: "CPQ_CONTRACT",
    handler: (_q, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          ssoMethod: 1,
          items: "none",
          hasMore: "yes",
          restartRequired: [],
          statusCode: {},
          login: 7,
          tab: false,
          authType: 3,
          tokenPresent: "true",
          valid: "no",
          partyNumber: 1,
          oauthEnabled: "on",
        }),
      );
    },
  },
  "a JSON array": {
    code: "CPQ_CONTRACT",
    handler: (_q, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end("[1,2,3]");
    },
  },
  "JSON null": {
    code: "CPQ_CONTRACT",
    handler: (_q, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end("null");
    },
  },
  "invalid JSON": {
    code: "CPQ_CONTRACT",
    handler: (_q, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"ssoMethod": "None", "items": [');
    },
  },
  "an empty 200": {
    code: "CPQ_CONTRACT",
    handler: (_q, res) => res.end(),
  },
  "JSON nested 100,000 deep": {
    code: "CPQ_CONTRACT",
    handler: (_q, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(`${"[".repeat(100_000)}${"]".repeat(100_000)}`);
    },
  },
  "an HTML page with status 200": {
    code: "CPQ_CONTRACT",
    handler: (_q, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<!DOCTYPE html><html><body>Sign in to continue</body></html>");
    },
  },
  "an HTML 502 page from a proxy": {
    code: "CPQ_HTTP",
    handler: (_q, res) => {
      res.writeHead(502, { "content-type": "text/html" });
      res.end(
        `<html><head><title>502 Bad Gateway</title></head><body>${"<p>nginx</p>".repeat(500)}</body></html>`,
      );
    },
  },
  "a 500 whose error body echoes the password": {
    code: "CPQ_HTTP",
    handler: (_q, res) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: 500, detail: `internal error for password ${PASSWORD}` }));
    },
  },
  "a 301 redirect to another host": {
    code: "CPQ_HTTP",
    handler: (_q, res) => {
      res.writeHead(301, { location: `${elsewhere}/rest/v19/ssoConfiguration` });
      res.end();
    },
  },
  "a 302 redirect to a login page": {
    code: "CPQ_HTTP",
    handler: (_q, res) => {
      res.writeHead(302, { location: `${elsewhere}/login?next=%2Frest` });
      res.end();
    },
  },
  "a 307 redirect keeping the method": {
    code: "CPQ_HTTP",
    handler: (_q, res) => {
      res.writeHead(307, { location: `${elsewhere}/rest/v19/ssoConfiguration` });
      res.end();
    },
  },
  "a 50 MiB body with its Content-Length": {
    code: "CPQ_CONTRACT",
    handler: (_q, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": 50 * MiB });
      void stream(res, 50 * MiB);
    },
  },
  "a 50 MiB chunked body": {
    code: "CPQ_CONTRACT",
    handler: (_q, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"items": ["');
      void stream(res, 50 * MiB);
    },
  },
  "a slow trickle, one byte every 100 ms": {
    code: "CPQ_TIMEOUT",
    handler: (_q, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(" ")), 100);
      // Bounded: the trickle stops after 5 s whatever the client does.
      setTimeout(() => {
        clearInterval(timer);
        res.end();
      }, 5_000).unref();
      res.on("close", () => clearInterval(timer));
    },
  },
};

/** Every client method, with the path its error must name. */
const CALLS: readonly [string, string, (c: CpqClient) => Promise<unknown>][] = [
  ["GET", "/rest/v19/ssoConfiguration", (c) => c.getSsoConfiguration()],
  [
    "POST",
    "/rest/v19/ssoConfiguration",
    (c) => c.postSsoConfiguration({ ssoMethod: "None", samlStorePass: PASSWORD }),
  ],
  ["GET", "/rest/v19/users", (c) => c.listUsers({ limit: 10 })],
  ["GET", "/rest/v19/users", (c) => c.listAllUsers()],
  ["GET", "/rest/v19/users/1001", (c) => c.getUser("1001")],
  ["GET", "/rest/v19/integrations", (c) => c.getIntegrations()],
  ["GET", "/rest/v19/users/1001/integrations", (c) => c.listUserIntegrations("1001")],
  ["GET", "/rest/v19/users/1001/integrations/crm", (c) => c.getUserIntegration("1001", "crm")],
  [
    "PUT",
    "/rest/v19/users/1001/integrations/crm",
    (c) =>
      c.putUserIntegration("1001", "crm", {
        login: "jdoe",
        authType: "password",
        password: PASSWORD,
      }),
  ],
  [
    "POST",
    "/rest/v19/users/1001/integrations/crm/actions/check",
    (c) =>
      c.checkUserIntegration("1001", "crm", {
        login: "jdoe",
        authType: "password",
        password: PASSWORD,
      }),
  ],
  [
    "POST",
    "/rest/v19/users/1001/integrations/crm/actions/revokeToken",
    (c) => c.revokeUserIntegrationToken("1001", "crm"),
  ],
];

let handler: Handler = (_q, res) => res.end();
const server = http.createServer((req, res) => handler(req, res));
/** The redirect target: it must never be asked anything. */
let redirected = 0;
const target = http.createServer((_req, res) => {
  redirected++;
  res.writeHead(200, { "content-type": "application/json" });
  res.end("{}");
});
let baseUrl = "";
let elsewhere = "";
let tried = 0;

const listen = (s: http.Server): Promise<string> =>
  new Promise((resolve) =>
    s.listen(0, "127.0.0.1", () =>
      resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`),
    ),
  );

beforeAll(async () => {
  baseUrl = await listen(server);
  elsewhere = await listen(target);
});

afterAll(async () => {
  server.closeAllConnections();
  target.closeAllConnections();
  await Promise.all([server, target].map((s) => new Promise((r) => s.close(r))));
  process.stdout.write(`hostile-responses inputs: ${tried}\n`);
});

describe("the CPQ client against hostile answers", () => {
  it("reads at most its response cap, far below 50 MiB", () => {
    expect(MAX_RESPONSE_BYTES).toBeLessThanOrEqual(16 * MiB);
  });

  it.each(Object.keys(ANSWERS))(
    "turns %s into a CpqError naming the endpoint, for every method",
    async (name) => {
      const answer = ANSWERS[name]!;
      handler = answer.handler;
      const heapBefore = process.memoryUsage().heapUsed;
      for (const [method, path, call] of CALLS) {
        tried++;
        const client = createCpqClient({
          baseUrl,
          auth: { kind: "basic", username: "cpqadmin", password: PASSWORD },
          maxRetries: 0,
          // The trickle must meet the timeout; every other answer must end for its own reason,
          // not for a machine too busy to read 16 MiB within a short timeout (seen under load).
          requestTimeoutMs: answer.code === "CPQ_TIMEOUT" ? 400 : 10_000,
        });
        try {
          const err: unknown = await call(client).then(
            () => new Error(`${method} ${path} succeeded`),
            (e: unknown) => e,
          );
          // getUserIntegration accepts nothing but 2xx and 404: a 3xx is still an error.
          if (!(err instanceof CpqError)) throw err;
          expect(err.code).toBe(answer.code);
          expect(err.message).toContain(path);
          expect(err.message).toContain(method);
          expect(err.message).not.toContain(PASSWORD);
          expect(JSON.stringify(err)).not.toContain(PASSWORD);
        } finally {
          await client.close();
        }
      }
      expect(redirected).toBe(0);
      // The 50 MiB bodies are dropped at the cap: the heap does not grow by anything like 50 MiB
      // per call.
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(200 * MiB);
    },
  );
});
