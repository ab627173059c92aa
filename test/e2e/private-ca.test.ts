/**
 * A CPQ site behind a private CA (`ca_certificate`), planned twice by real terraform with the
 * provider's code cache shared between the runs: the second plan runs the provider's bundles
 * from a warm cache, as every run after a user's first does. A dynamic `import()` left in a
 * bundle used to work on the first run only ("A dynamic import callback was not specified").
 */
import { readdirSync } from "node:fs";
import https from "node:https";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { generateServerCertificate } from "../../provider/plugin/cert";
import { E2eFixture } from "../support/e2e-fixture";
import { cpqProviderConfig, describeWithTerraform } from "./harness";

describeWithTerraform("a site behind a private CA", () => {
  const fixture = new E2eFixture();
  let front: https.Server;
  let frontUrl: string;
  let caPem: string;

  beforeAll(async () => {
    // A TLS front on loopback with a certificate no system CA signed, passing requests on to the
    // simulator: the provider trusts it only through ca_certificate.
    const cert = generateServerCertificate({ hostname: "localhost" });
    caPem = cert.certPem;
    const target = new URL(fixture.simulator.url);
    front = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
      const upstream = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on("error", () => res.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((r) => front.listen(0, "127.0.0.1", r));
    frontUrl = `https://localhost:${(front.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => front?.close(() => r()));
  });

  it("plans with ca_certificate on the first run and again with a warm code cache", async () => {
    const ws = fixture.workspace({ CPQ_BASE_URL: frontUrl });
    ws.write({
      ...cpqProviderConfig({ ca_certificate: caPem, max_retries: 0 }),
      resource: { cpq_sso_configuration: { sso: { saml_logout_url: "https://idp/logout" } } },
      data: { cpq_users: { all: {} } },
    });
    await ws.init();
    // Warm before this test's first run (test/warm-code-cache.ts), as for users after theirs.
    const cached = () =>
      readdirSync(fixture.install.codeCacheDir).filter((f) => f.endsWith(".v8cache")).length;
    expect(cached()).toBeGreaterThanOrEqual(3);
    const first = await ws.plan();
    expect(first.stderr).toBe("");
    expect(first.code).toBe(2);
    // Again, every bundle read from the cache.
    const second = await ws.plan();
    expect(second.stderr).toBe("");
    expect(second.code).toBe(2);
    expect(second.stdout).toContain("cpq_sso_configuration.sso will be created");
  });
});
