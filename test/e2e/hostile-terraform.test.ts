/**
 * The real provider, under the real terraform, against a "CPQ" that answers badly: a create whose
 * POST gets a hostile answer fails (exit 1) with an error naming the endpoint and leaves no
 * resource in the state; a refresh whose GET gets one fails and leaves the state file byte for
 * byte as it was; a plan of a login whose partner list is hostile fails naming that endpoint.
 */
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { E2eFixture } from "../support/e2e-fixture";
import type { TfDir } from "../../tooling/tf-dir";
import { cpqProviderConfig, describeWithTerraform } from "./harness";

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const HOSTILE: Record<string, Handler> = {
  "wrong types": (_q, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ restartRequired: [1], statusCode: {}, ssoMethod: 5, items: 1 }));
  },
  "invalid JSON": (_q, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end("{");
  },
  "an HTML 502 page": (_q, res) => {
    res.writeHead(502, { "content-type": "text/html" });
    res.end("<html><body><h1>502 Bad Gateway</h1></body></html>");
  },
  "a 302 redirect": (_q, res) => {
    res.writeHead(302, { location: "http://127.0.0.1:9/login" });
    res.end();
  },
  "a 20 MiB body": (_q, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": 20 * 1024 * 1024 });
    res.end(Buffer.alloc(20 * 1024 * 1024, " "));
  },
};

let handler: Handler = (_q, res) => res.end();
const server = http.createServer((req, res) => handler(req, res));
let hostileUrl = "";

const SSO = {
  resource: {
    cpq_sso_configuration: {
      sso: { sso_method: "None", saml_issuer_url: "https://acme.bigmachines.com" },
    },
  },
};

describeWithTerraform("the provider under terraform against hostile CPQ answers", () => {
  const fixture = new E2eFixture();
  let tried = 0;

  const workspace = (baseUrl: string): TfDir => fixture.workspace({ CPQ_BASE_URL: baseUrl });

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    hostileUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    process.stdout.write(`hostile-terraform runs: ${tried}\n`);
  });

  it.each(Object.keys(HOSTILE))(
    "fails a create whose POST gets %s, naming the endpoint, with no resource in the state",
    async (name) => {
      handler = HOSTILE[name]!;
      tried++;
      const ws = workspace(hostileUrl);
      ws.write({ ...cpqProviderConfig({ max_retries: 0 }), ...SSO });
      await ws.init();
      const r = await ws.run(["apply", "-input=false", "-no-color", "-auto-approve"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("/rest/v19/ssoConfiguration");
      const stateFile = join(ws.dir, "terraform.tfstate");
      if (existsSync(stateFile)) {
        const state = JSON.parse(readFileSync(stateFile, "utf8")) as { resources: unknown[] };
        expect(state.resources).toEqual([]);
      }
    },
  );

  it("fails a refresh against hostile answers and leaves the state file as it was", async () => {
    const ws = workspace(fixture.simulator.url);
    ws.write({ ...cpqProviderConfig({ max_retries: 0 }), ...SSO });
    await ws.init();
    await ws.mustApply();
    const before = ws.stateText();
    for (const name of Object.keys(HOSTILE)) {
      handler = HOSTILE[name]!;
      tried++;
      const r = await ws.run(
        ["apply", "-refresh-only", "-input=false", "-no-color", "-auto-approve"],
        { env: { CPQ_BASE_URL: hostileUrl } },
      );
      expect({ name, code: r.code }).toEqual({ name, code: 1 });
      expect(r.stderr).toContain("GET /rest/v19/ssoConfiguration");
      expect(ws.stateText()).toBe(before);
    }
  });

  it("fails the plan of a login when the partner list is hostile, naming the endpoint", async () => {
    handler = HOSTILE["wrong types"]!;
    tried++;
    const ws = workspace(hostileUrl);
    ws.write({
      ...cpqProviderConfig({ max_retries: 0 }),
      resource: {
        cpq_user_integration_login: {
          jdoe: { party_number: "1001", tab: "crm", login: "jdoe@example.com" },
        },
      },
    });
    await ws.init();
    const r = await ws.plan();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/GET \/rest\/v19\/(users|integrations)/);
    expect(existsSync(join(ws.dir, "terraform.tfstate"))).toBe(false);
  });
});
