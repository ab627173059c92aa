/**
 * `cpq-sso install` keeps the team's own Terraform CLI configuration: TF_CLI_CONFIG_FILE
 * replaces ~/.terraformrc rather than adding to it, so the configuration install writes must carry
 * the team's credentials, plugin cache and mirrors itself. Proved with real terraform: a private
 * module registry on loopback (HTTPS, a certificate trusted through SSL_CERT_FILE) refuses any
 * request without the token of the team's `credentials` block, and `terraform init` with the
 * written configuration fetches its module and installs our provider from the mirror, into the
 * team's plugin cache. With `--cli-config none` the same init is refused: the token came from the
 * team's file, through the merge, and from nowhere else.
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  rmSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { codeCacheEnv } from "../../tooling/terraform-env";
import { describeWithTerraform, runCommand } from "./harness";
import type { RunResult } from "./harness";

const REPO = join(__dirname, "..", "..");
const CLI = join(REPO, "bin", "cpq-sso.js");
const TOKEN = "canary-registry-token-4f1d9b";
const VERSION = (
  JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string }
).version;

describeWithTerraform("cpq-sso install keeps the team's Terraform CLI configuration", () => {
  let server: https.Server;
  let host: string;
  let caFile: string;
  let moduleArchive: Buffer;
  /** Each request the registry got: its path and whether it carried the team's token. */
  const seen: { path: string; authorized: boolean }[] = [];

  beforeAll(async () => {
    // Terraform wants a registry host name with a dot, so the registry is 127.0.0.1: openssl
    // makes its certificate, with the IP address as its subject alternative name.
    const dir = mkdtempSync(join(tmpdir(), "cpq-sso-registry-"));
    caFile = join(dir, "ca.pem");
    const keyFile = join(dir, "key.pem");
    const openssl = spawnSync(
      "openssl",
      ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        .concat(["-keyout", keyFile, "-out", caFile, "-days", "1", "-subj", "/CN=127.0.0.1"])
        .concat(["-addext", "subjectAltName=IP:127.0.0.1"]),
      { encoding: "utf8" },
    );
    if (openssl.status !== 0) {
      throw new Error(
        `this test needs openssl to make the registry's certificate: ${openssl.error?.message ?? openssl.stderr}`,
      );
    }
    const cert = { certPem: readFileSync(caFile, "utf8"), keyPem: readFileSync(keyFile, "utf8") };
    // The module: one output, as a .tar.gz (terraform reads the archive type from the name).
    mkdirSync(join(dir, "module"));
    writeFileSync(join(dir, "module", "main.tf"), 'output "from_registry" {\n  value = "ok"\n}\n');
    const tar = spawnSync("tar", [
      "-czf",
      join(dir, "module.tar.gz"),
      "-C",
      join(dir, "module"),
      ".",
    ]);
    if (tar.status !== 0) throw new Error(`tar failed: ${String(tar.stderr)}`);
    moduleArchive = readFileSync(join(dir, "module.tar.gz"));

    server = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
      const path = req.url ?? "";
      const authorized = req.headers.authorization === `Bearer ${TOKEN}`;
      seen.push({ path, authorized });
      const json = (status: number, body: unknown): void => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (path === "/.well-known/terraform.json")
        return json(200, { "modules.v1": "/v1/modules/" });
      // The archive is fetched by URL, as a registry's storage serves it: no credentials.
      if (path === "/archive/module.tar.gz") {
        res.writeHead(200, { "content-type": "application/gzip" });
        return res.end(moduleArchive);
      }
      if (!authorized) return json(401, { errors: ["a token is required"] });
      if (path === "/v1/modules/acme/sso/cpq/versions") {
        return json(200, { modules: [{ versions: [{ version: "1.0.0" }] }] });
      }
      if (path === "/v1/modules/acme/sso/cpq/1.0.0/download") {
        res.writeHead(204, { "x-terraform-get": `https://${host}/archive/module.tar.gz` });
        return res.end();
      }
      return json(404, { errors: ["not found"] });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server?.close(() => r()));
  });

  /** A user's home with a ~/.terraformrc of the team's, and a configuration using both. */
  function teamSetup(): { home: string; work: string; cache: string } {
    const home = mkdtempSync(join(tmpdir(), "cpq-sso-home-"));
    const cache = join(home, "plugin-cache");
    mkdirSync(cache);
    writeFileSync(
      join(home, ".terraformrc"),
      `# The team's CLI configuration.
plugin_cache_dir = ${JSON.stringify(cache)}

credentials "${host}" {
  token = "${TOKEN}"
}

provider_installation {
  direct {}
}
`,
      { mode: 0o600 },
    );
    const work = join(home, "stack");
    mkdirSync(work);
    writeFileSync(
      join(work, "main.tf"),
      `terraform {
  required_providers {
    cpq = {
      source  = "cpq-sso/cpq"
      version = "${VERSION}"
    }
  }
}

module "team" {
  source  = "${host}/acme/sso/cpq"
  version = "1.0.0"
}
`,
    );
    return { home, work, cache };
  }

  const install = (home: string, args: string[]): Promise<RunResult> =>
    runCommand(process.execPath, [CLI, "install", "--dir", join(home, ".cpq-sso"), ...args], {
      cwd: home,
      env: { PATH: process.env.PATH, HOME: home },
    });

  const init = (home: string, work: string): Promise<RunResult> =>
    runCommand("terraform", ["init", "-input=false", "-no-color"], {
      cwd: work,
      env: {
        PATH: process.env.PATH,
        HOME: home,
        ...codeCacheEnv(),
        TF_CLI_CONFIG_FILE: join(home, ".cpq-sso", "terraform.rc"),
        // The registry's certificate, trusted as a corporate CA would be.
        SSL_CERT_FILE: caFile,
        CHECKPOINT_DISABLE: "1",
        TF_IN_AUTOMATION: "1",
        TF_LOG: "trace",
        TF_LOG_PATH: join(work, "terraform.log"),
      },
    });

  it("after install, terraform init authenticates to the team's registry with the credentials block of ~/.terraformrc, and installs cpq-sso/cpq from the mirror into the team's plugin cache", async () => {
    const { home, work, cache } = teamSetup();
    const installed = await install(home, []);
    expect(installed.stderr).toBe("");
    expect(installed.code).toBe(0);
    expect(installed.stdout).toContain("kept your CLI configuration (the default)");
    expect(installed.stdout).toContain(`      ${join(home, ".terraformrc")}\n`);
    expect(installed.stdout).toContain(
      `CLI configuration: ${join(home, ".cpq-sso", "terraform.rc")}`,
    );
    expect(installed.stdout + installed.stderr).not.toContain(TOKEN);

    seen.length = 0;
    const r = await init(home, work);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    expect(r.stdout).toContain(`Installing cpq-sso/cpq v${VERSION}`);
    expect(seen).toContainEqual({ path: "/v1/modules/acme/sso/cpq/versions", authorized: true });
    expect(seen).toContainEqual({
      path: "/v1/modules/acme/sso/cpq/1.0.0/download",
      authorized: true,
    });
    expect(readFileSync(join(work, ".terraform", "modules", "team", "main.tf"), "utf8")).toContain(
      "from_registry",
    );
    // The team's plugin cache holds our provider now: another setting of theirs that applies.
    expect(existsSync(join(cache, "registry.terraform.io", "cpq-sso", "cpq", VERSION))).toBe(true);
    // Terraform read the merged file, and found the token there (its trace log says where from,
    // not what).
    const log = readFileSync(join(work, "terraform.log"), "utf8");
    expect(log).toContain(
      `Loading CLI configuration from ${join(home, ".cpq-sso", "terraform.rc")}`,
    );
    expect(log).not.toContain(TOKEN);
  }, 180_000);

  it("terraform accepts the merged provider_installation of a team with a network mirror, a filesystem mirror, direct and dev_overrides, and installs cpq-sso/cpq from our mirror", async () => {
    const { home, work } = teamSetup();
    writeFileSync(
      join(work, "main.tf"),
      readFileSync(join(work, "main.tf"), "utf8").replace(/module "team" \{[\s\S]*$/, ""),
    );
    const theirMirror = join(home, "their-mirror");
    mkdirSync(theirMirror);
    writeFileSync(
      join(home, ".terraformrc"),
      `provider_installation {
  dev_overrides {
    "corp/widget" = "/nonexistent"
  }
  network_mirror {
    url     = "https://${host}/providers/"
    include = ["registry.terraform.io/*/*"]
    exclude = ["registry.terraform.io/corp/*"]
  }
  filesystem_mirror {
    path = ${JSON.stringify(theirMirror)}
  }
  direct {}
}
`,
    );
    const installed = await install(home, []);
    expect(installed.code).toBe(0);
    seen.length = 0;
    const r = await init(home, work);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    expect(r.stdout).toContain(`Installing cpq-sso/cpq v${VERSION}`);
    // Their network mirror was never asked for our provider.
    expect(seen.filter((s) => s.path.startsWith("/providers/"))).toEqual([]);
  }, 180_000);

  it("a token terraform login saved (~/.terraform.d/credentials.tfrc.json) applies too: terraform skips that directory once TF_CLI_CONFIG_FILE is set, so install merges it", async () => {
    const { home, work } = teamSetup();
    writeFileSync(join(home, ".terraformrc"), "# no credentials here\n");
    mkdirSync(join(home, ".terraform.d"));
    writeFileSync(
      join(home, ".terraform.d", "credentials.tfrc.json"),
      JSON.stringify({ credentials: { [host]: { token: TOKEN } } }),
      { mode: 0o600 },
    );
    const installed = await install(home, []);
    expect(installed.code).toBe(0);
    expect(installed.stdout).toContain(join(home, ".terraform.d", "credentials.tfrc.json"));
    expect(installed.stdout + installed.stderr).not.toContain(TOKEN);
    seen.length = 0;
    const r = await init(home, work);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    expect(seen).toContainEqual({ path: "/v1/modules/acme/sso/cpq/versions", authorized: true });
    const log = readFileSync(join(work, "terraform.log"), "utf8");
    expect(log).toContain("Not reading CLI config directory because config location is overridden");
    expect(log).not.toContain(TOKEN);

    // Without the merge the same token is lost: terraform does not read the directory.
    const bare = await install(home, ["--cli-config", "none"]);
    expect(bare.code).toBe(0);
    rmSync(join(work, ".terraform"), { recursive: true, force: true });
    seen.length = 0;
    expect((await init(home, work)).code).toBe(1);
    expect(seen).toContainEqual({ path: "/v1/modules/acme/sso/cpq/versions", authorized: false });
  }, 180_000);

  it("with --cli-config none the same init is refused by the registry: the token reached terraform only through the merge", async () => {
    const { home, work } = teamSetup();
    const installed = await install(home, ["--cli-config", "none"]);
    expect(installed.code).toBe(0);
    expect(installed.stdout).toContain("the mirror alone");
    seen.length = 0;
    const r = await init(home, work);
    expect(r.code).toBe(1);
    expect(seen.filter((s) => s.path.startsWith("/v1/"))).toEqual([
      { path: "/v1/modules/acme/sso/cpq/versions", authorized: false },
    ]);
    expect(readdirSync(work)).not.toContain(".terraform.lock.hcl");
  }, 180_000);
});
