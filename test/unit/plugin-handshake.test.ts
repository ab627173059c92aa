import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { cliConfigText, installProvider, terraformPlatform } from "../../provider/cli/install";
import {
  candidatePorts,
  handshakeLine,
  hasMagicCookie,
  MAGIC_COOKIE_VALUE,
  negotiateProtocol,
  reattachConfig,
} from "../../provider/plugin/handshake";
import { createLogger } from "../../provider/plugin/log";

describe("the go-plugin handshake", () => {
  it("recognizes Terraform's magic cookie", () => {
    expect(hasMagicCookie({ TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE })).toBe(true);
    expect(hasMagicCookie({ TF_PLUGIN_MAGIC_COOKIE: "nope" })).toBe(false);
    expect(hasMagicCookie({})).toBe(false);
  });

  it("chooses protocol 6 when offered, and nothing when not", () => {
    expect(negotiateProtocol({ PLUGIN_PROTOCOL_VERSIONS: "5,6" })).toBe(6);
    expect(negotiateProtocol({ PLUGIN_PROTOCOL_VERSIONS: "5" })).toBeNull();
    expect(negotiateProtocol({})).toBe(6);
  });

  it("keeps to PLUGIN_MIN_PORT..PLUGIN_MAX_PORT, or any port", () => {
    expect(candidatePorts({ PLUGIN_MIN_PORT: "10000", PLUGIN_MAX_PORT: "10002" })).toEqual([
      10000, 10001, 10002,
    ]);
    expect(candidatePorts({})).toEqual([0]);
    expect(candidatePorts({ PLUGIN_MIN_PORT: "9", PLUGIN_MAX_PORT: "3" })).toEqual([0]);
  });

  it("writes the certificate as unpadded standard base64 of its DER", () => {
    const line = handshakeLine(
      { network: "tcp", address: "127.0.0.1:1234" },
      Buffer.from([1, 2, 3, 4]),
    );
    expect(line).toBe("1|6|tcp|127.0.0.1:1234|grpc|AQIDBA\n");
    expect(handshakeLine({ network: "tcp", address: "127.0.0.1:1" })).toBe(
      "1|6|tcp|127.0.0.1:1|grpc|\n",
    );
  });

  it("describes a debug server in TF_REATTACH_PROVIDERS's shape", () => {
    expect(
      JSON.parse(
        reattachConfig(
          "registry.terraform.io/cpq-sso/cpq",
          { network: "tcp", address: "127.0.0.1:5" },
          42,
        ),
      ),
    ).toEqual({
      "registry.terraform.io/cpq-sso/cpq": {
        Protocol: "grpc",
        ProtocolVersion: 6,
        Pid: 42,
        Test: true,
        Addr: { Network: "tcp", String: "127.0.0.1:5" },
      },
    });
  });

  it("logs hclog JSON lines without undefined fields", () => {
    const lines: string[] = [];
    createLogger("provider.cpq", (l) => lines.push(l)).info("hello", { rpc: "X", type: undefined });
    const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(entry).toMatchObject({
      "@level": "info",
      "@message": "hello",
      "@module": "provider.cpq",
      rpc: "X",
    });
    expect(entry).not.toHaveProperty("type");
    expect(typeof entry["@timestamp"]).toBe("string");
  });
});

describe("cpq-sso install", () => {
  it("copies the bundle into a filesystem mirror and writes a CLI configuration for it", () => {
    const dir = mkdtempSync(join(tmpdir(), "cpq-sso-install-"));
    const bundle = join(dir, "bundle.js");
    writeFileSync(bundle, "#!/usr/bin/env node\n");
    const r = installProvider({ dir: join(dir, "out"), bundle, platform: "linux_amd64" });
    const version = (
      JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as {
        version: string;
      }
    ).version;
    expect(r.providerSource).toBe("cpq-sso/cpq");
    expect(r.version).toBe(version);
    const under = (host: string): string =>
      join(
        dir,
        "out",
        "mirror",
        host,
        "cpq-sso",
        "cpq",
        version,
        "linux_amd64",
        `terraform-provider-cpq_v${version}`,
      );
    expect(r.executable).toBe(under("registry.terraform.io"));
    // OpenTofu reads the same source as registry.opentofu.org/cpq-sso/cpq.
    expect(r.executables).toEqual([under("registry.terraform.io"), under("registry.opentofu.org")]);
    for (const e of r.executables) expect(statSync(e).mode & 0o777).toBe(0o755);
    expect(statSync(r.executable).mode & 0o777).toBe(0o755);
    expect(readFileSync(r.cliConfigFile, "utf8")).toBe(cliConfigText(r.mirrorDir));
    expect(cliConfigText("/m")).toContain('path    = "/m"');
    expect(cliConfigText("/m")).toContain(
      'exclude = ["registry.terraform.io/cpq-sso/cpq", "registry.opentofu.org/cpq-sso/cpq"]',
    );
    expect(cliConfigText("/m")).toContain(
      'include = ["registry.terraform.io/cpq-sso/cpq", "registry.opentofu.org/cpq-sso/cpq"]',
    );
  });

  it("copies the companion files the bundle loads, and refuses a bundle whose companion is missing", () => {
    const dir = mkdtempSync(join(tmpdir(), "cpq-sso-install-"));
    const bundle = join(dir, "provider.js");
    writeFileSync(bundle, '#!/usr/bin/env node\nrequire("./provider-client.js");\n');
    expect(() => installProvider({ dir: join(dir, "a"), bundle })).toThrow(
      /provider-client\.js is missing/,
    );
    writeFileSync(join(dir, "provider-client.js"), 'require("./provider-zod.js");\n');
    writeFileSync(join(dir, "provider-zod.js"), "module.exports = {};\n");
    const r = installProvider({ dir: join(dir, "b"), bundle });
    for (const name of ["provider-client.js", "provider-zod.js"]) {
      expect(readFileSync(join(dirname(r.executable), name), "utf8")).toBe(
        readFileSync(join(dir, name), "utf8"),
      );
    }
  });

  it("refuses a bundle terraform could not execute", () => {
    const dir = mkdtempSync(join(tmpdir(), "cpq-sso-install-"));
    const bundle = join(dir, "bundle.js");
    writeFileSync(bundle, "console.log(1)\n");
    expect(() => installProvider({ dir, bundle })).toThrow(/no #! line/);
  });

  it("names platforms as terraform does", () => {
    expect(terraformPlatform("linux", "x64")).toBe("linux_amd64");
    expect(terraformPlatform("darwin", "arm64")).toBe("darwin_arm64");
    expect(terraformPlatform("win32", "x64")).toBe("windows_amd64");
  });
});
