/**
 * One version, one build: a second build of the same source, into another directory, gives the
 * same bytes for every file the package ships, so the provider that `cpq-sso install` puts in a
 * mirror keeps the checksum a team committed in `.terraform.lock.hcl`. And what the package
 * carries besides the build: its reference docs and its LICENSE, with every link of the README and
 * of those docs pointing at a file the package holds.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, posix, relative } from "node:path";

const REPO = join(__dirname, "..", "..");
const DIST = join(REPO, "dist");

/** Every file below `dir` the package ships (source maps and the test counts stay behind). */
function shipped(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (!name.endsWith(".map") && name !== "test-counts.json") {
        out.set(relative(dir, path), createHash("sha256").update(readFileSync(path)).digest("hex"));
      }
    }
  };
  walk(dir);
  return out;
}

describe("the build", () => {
  it("gives the same bytes for every shipped file when built again elsewhere", () => {
    if (!existsSync(join(DIST, "provider.js"))) {
      throw new Error("dist/ is missing: run `npm run build` first (npm test does).");
    }
    const again = mkdtempSync(join(tmpdir(), "cpq-sso-build-"));
    const r = spawnSync(process.execPath, [join(REPO, "scripts", "build.mjs")], {
      cwd: REPO,
      env: { ...process.env, CPQ_SSO_BUILD_DIR: again },
      encoding: "utf8",
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const first = shipped(DIST);
    const second = shipped(again);
    expect([...second.keys()].sort()).toEqual([...first.keys()].sort());
    const differing = [...first].filter(([f, hash]) => second.get(f) !== hash).map(([f]) => f);
    expect(differing).toEqual([]);
    // The comparison covers the provider, its companions and both constructs builds.
    expect(first.size).toBeGreaterThan(100);
    expect(first.has("provider.js")).toBe(true);
    expect(first.has(join("lib", "cdktn", "constructs", "index.d.ts"))).toBe(true);
  }, 120_000);
});

/** The sources a bundle was built from, by path with forward slashes (its source map). */
function bundleSources(bundle: string): string[] {
  const map = join(DIST, `${bundle}.map`);
  if (!existsSync(map)) {
    throw new Error(`dist/${bundle}.map is missing: run \`npm run build\` first (npm test does).`);
  }
  return (JSON.parse(readFileSync(map, "utf8")) as { sources: string[] }).sources.map((s) =>
    s.replace(/\\/g, "/"),
  );
}

describe("what the provider's bundles carry", () => {
  // Regression: the plugin imported grpc-js's index, which loads the client side (channels,
  // subchannels, resolvers, load balancers) a plugin server never runs; channelz and ORCA
  // pulled it in again through make-client (scripts/build.mjs, `withoutGrpcClient`).
  it("provider-main.js bundles grpc-js's server, not its index or its client side", () => {
    const grpc = bundleSources("provider-main.js").filter((s) =>
      s.includes("node_modules/@grpc/grpc-js/"),
    );
    // grpc-js ships source maps, so the sources are its TypeScript files.
    expect(grpc.some((s) => s.endsWith("grpc-js/src/server.ts"))).toBe(true);
    expect(
      grpc.filter((s) =>
        /grpc-js\/src\/(index|client|channel|internal-channel|make-client|subchannel|resolver-dns|load-balancer)\.ts$/.test(
          s,
        ),
      ),
    ).toEqual([]);
  });

  it("provider-zod.js runs zod without generating code (jitless)", () => {
    const r = spawnSync(
      process.execPath,
      ["-p", `require(${JSON.stringify(join(DIST, "provider-zod.js"))}).config().jitless`],
      { encoding: "utf8" },
    );
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("true");
  });
});

describe("the client's share of undici", () => {
  // Regression: the client once imported undici's index, which loads fetch, WebSocket,
  // EventSource, the cache stores, the mock agents and the interceptors, none of which it uses:
  // 1 MB bundled, about 55 ms more CPU at every process that configures the provider and at
  // every `cpq-sso` command that calls CPQ (provider/client/transport.ts, `undiciAgent`).
  it.each(["provider-client.js", "cpq-sso.js"])(
    "%s bundles undici's Agent and request, not its index, fetch, WebSocket, caches or mocks",
    (bundle) => {
      const sources = bundleSources(bundle).filter((s) => s.includes("node_modules/undici/"));
      expect(sources.some((s) => s.endsWith("undici/lib/dispatcher/agent.js"))).toBe(true);
      expect(sources.some((s) => s.endsWith("undici/lib/api/api-request.js"))).toBe(true);
      expect(
        sources.filter((s) =>
          /undici\/(index\.js|lib\/(mock|cache|interceptor|web\/(websocket|eventsource|cache)|web\/fetch\/index\.js))/.test(
            s,
          ),
        ),
      ).toEqual([]);
    },
  );
});

/** The files `npm pack` puts in the tarball, by path inside it (`npm pack --dry-run`). */
function packedFiles(): string[] {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== "INIT_CWD"),
  );
  const r = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: REPO,
    env,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`npm pack --dry-run failed: ${r.stderr}`);
  const [info] = JSON.parse(r.stdout) as { files: { path: string }[] }[];
  return info!.files.map((f) => f.path);
}

/** The relative link targets of a markdown file, outside code blocks and code spans. */
function relativeLinks(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, "").replace(/`[^`\n]*`/g, "``");
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith("#"));
}

describe("the package's documentation", () => {
  const packed = packedFiles();

  it("carries the reference pages and the MPL-2.0 LICENSE package.json names", () => {
    for (const f of [
      "LICENSE",
      "README.md",
      "CHANGELOG.md",
      "docs/README.md",
      "docs/index.md",
      "docs/resources/sso_configuration.md",
      "docs/data-sources/users.md",
      "docs/functions/idp_metadata.md",
      "docs/hcl-and-opentofu.md",
      "docs/ci-recipes.md",
      "examples/hcl/main.tf",
      "examples/github-actions/hcl/apply.yml",
    ]) {
      expect(packed).toContain(f);
    }
    // Every page of the provider reference the generator writes, not only the ones named above.
    const reference = ["resources", "data-sources", "functions"].flatMap((d) =>
      readdirSync(join(REPO, "docs", d)).map((f) => `docs/${d}/${f}`),
    );
    expect(reference.filter((f) => !packed.includes(f))).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { license: string };
    expect(pkg.license).toBe("MPL-2.0");
    const license = readFileSync(join(REPO, "LICENSE"), "utf8");
    expect(license.startsWith("Mozilla Public License Version 2.0\n")).toBe(true);
    expect(license).toContain('Exhibit B - "Incompatible With Secondary Licenses" Notice');
  });

  it("has every relative link of the README and of the shipped docs point at a file or folder inside the tarball", () => {
    const pages = packed.filter(
      (f) => f === "README.md" || (f.startsWith("docs/") && f.endsWith(".md")),
    );
    expect(pages.length).toBeGreaterThan(15);
    const dead: string[] = [];
    let checked = 0;
    for (const page of pages) {
      for (const link of relativeLinks(readFileSync(join(REPO, page), "utf8"))) {
        const target = posix.normalize(posix.join(dirname(page), decodeURI(link.split("#")[0]!)));
        const path = target.replace(/\/$/, "");
        const found =
          packed.includes(path) || packed.some((f) => f.startsWith(`${path}/`)) || path === ".";
        checked++;
        if (!found) dead.push(`${page}: ${link}`);
      }
    }
    expect(dead).toEqual([]);
    // The README's own links are among them (docs/, examples/hcl/, the workflows, LICENSE...).
    expect(checked).toBeGreaterThan(60);
    expect(relativeLinks(readFileSync(join(REPO, "README.md"), "utf8"))).toEqual(
      expect.arrayContaining(["docs/README.md", "examples/hcl/", "LICENSE", "CHANGELOG.md"]),
    );
  });
});
