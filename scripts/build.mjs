// Bundles the provider plugin and the CLI with esbuild. Self-contained files mean Node resolves no
// modules at start-up (Terraform starts the provider 3-4 times per command). Node pre-parses
// every byte of a file it loads, so what start-up does not need sits in companion files beside
// the provider, loaded on first use: the CPQ client (undici: only the process that configures
// the provider needs it), zod (shared by validation and the client; a process that only
// answers the schema never reads it) and saxes (the XML parser, read only by a process that
// parses SAML metadata). `cpq-sso install` copies them with the provider.
//
// The executable itself, dist/provider.js, is a small launcher (provider/plugin/launcher.ts) that
// runs these bundles through V8's code cache; it is built last, with each bundle's content hash
// compiled in, so a cache made from one build is never used with another.
//
// The constructs ship as CommonJS with declarations (dist/lib/), compiled by tsc from the same
// source for each framework an app may bring: dist/lib/cdktf/ imports `cdktf`, and
// dist/lib/cdktn/ is the same output with that one module name changed to `cdktn` (CDK Terrain,
// the maintained fork with the same API). Each entry therefore uses the app's one copy of its
// framework; nothing relies on `instanceof` across two libraries.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where the build goes: `dist/` (what `bin/`, `cpq-sso install` and the package's `exports` use),
 * or `CPQ_SSO_BUILD_DIR` (the reproducibility test builds a second copy there and compares).
 */
const OUT = process.env.CPQ_SSO_BUILD_DIR ?? "dist";

// Whatever dist/ held stops counting as the build of any sources the moment a build starts:
// scripts/build-if-changed.mjs records a build it ran, and a build run here directly (npm run
// build, npm start, the bench) must void that record, or reverting an edit would make the old
// record match a dist/ built from the edit.
rmSync(
  join(dirname(fileURLToPath(import.meta.url)), "..", "node_modules", ".cache", "cpq-sso-build"),
  {
    recursive: true,
    force: true,
  },
);

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: "linked",
  minifySyntax: true,
  legalComments: "linked",
  logLevel: "warning",
};

/** provider.ts requires "./client" lazily; in the provider bundle that is the companion file. */
const clientAsCompanion = {
  name: "client-as-companion",
  setup(b) {
    b.onResolve({ filter: /^\.\/client$/ }, (args) =>
      args.importer.endsWith("provider/provider.ts")
        ? { path: "./provider-client.js", external: true }
        : undefined,
    );
  },
};

/**
 * grpc-js requires @grpc/proto-loader (and with it all of protobufjs) only for its channelz admin
 * service and ORCA load reports, which the provider never serves; bundled, they are 280 KB that
 * every start reads and pre-parses for nothing.
 */
const withoutProtoLoader = {
  name: "without-proto-loader",
  setup(b) {
    b.onResolve({ filter: /^@grpc\/proto-loader$/ }, () => ({
      path: "proto-loader",
      namespace: "not-bundled",
    }));
    b.onLoad({ filter: /.*/, namespace: "not-bundled" }, () => ({
      contents:
        'throw new Error("@grpc/proto-loader is not bundled with the provider: channelz and ORCA are not served.");',
      loader: "js",
    }));
  },
};

/**
 * grpc-js's channelz and ORCA modules require its `make-client` for one function,
 * `loadPackageDefinition`, which they call only to serve their own services from proto-loader's
 * definitions (not bundled, see above); through it comes the whole client side of grpc-js
 * (client, channel, subchannels, resolvers, load balancers, retries): 0.3 MB that a plugin
 * server never runs and every start evaluated (provider/plugin/server.ts imports the server's
 * modules rather than the index, which would load them anyway). For those two importers it is a
 * stub that says why if it is ever called.
 */
const withoutGrpcClient = {
  name: "without-grpc-client",
  setup(b) {
    b.onResolve({ filter: /^\.\/make-client$/ }, (args) =>
      /@grpc[\\/]grpc-js[\\/]build[\\/]src[\\/](channelz|orca)\.js$/.test(args.importer)
        ? { path: "make-client", namespace: "grpc-client-stub" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "grpc-client-stub" }, () => ({
      contents:
        'exports.loadPackageDefinition = () => { throw new Error("grpc-js\'s client is not bundled with the provider: channelz and ORCA are not served."); };',
      loader: "js",
    }));
  },
};

/** "zod", in the provider's files, is the shared companion file. */
const zodAsCompanion = {
  name: "zod-as-companion",
  setup(b) {
    b.onResolve({ filter: /^zod$/ }, () => ({ path: "./provider-zod.js", external: true }));
  },
};

/** "saxes", in the provider's files, is a companion file too: only metadata parsing needs it. */
const saxesAsCompanion = {
  name: "saxes-as-companion",
  setup(b) {
    b.onResolve({ filter: /^saxes$/ }, () => ({ path: "./provider-saxes.js", external: true }));
  },
};

const entries = [
  {
    in: "provider/plugin/main.ts",
    out: `${OUT}/provider-main.js`,
    plugins: [
      clientAsCompanion,
      zodAsCompanion,
      saxesAsCompanion,
      withoutProtoLoader,
      withoutGrpcClient,
    ],
  },
  {
    in: "provider/client/index.ts",
    out: `${OUT}/provider-client.js`,
    plugins: [zodAsCompanion, saxesAsCompanion],
  },
  // zod with its JIT off: by default each object schema compiles a parser of its own with
  // `new Function` on its first use, which pays off after many parses, never in a provider
  // process that checks one configuration or reads a few answers. Jitless, `terraform plan` of
  // examples/hcl spent about 7% less CPU in its provider processes; 10,000 users parse in about
  // 20% more time, some tens of milliseconds (docs/performance.md, change 14). It also means the
  // provider evaluates no code it generates.
  {
    stdin: 'import { config } from "zod";\nconfig({ jitless: true });\nexport * from "zod";',
    out: `${OUT}/provider-zod.js`,
  },
  { stdin: 'export * from "saxes";', out: `${OUT}/provider-saxes.js` },
  { in: "provider/cli/main.ts", out: `${OUT}/cpq-sso.js` },
];

/** The provider's bundles (the launcher loads them), as opposed to the CLI's. */
const providerBundles = entries
  .map((e) => e.out)
  .filter((f) => basename(f).startsWith("provider-"));

await Promise.all(
  entries.map(async (e) => {
    const result = await build({
      ...common,
      ...(e.in ? { entryPoints: [e.in] } : { stdin: { contents: e.stdin, resolveDir: "." } }),
      outfile: e.out,
      plugins: e.plugins ?? [],
      metafile: true,
    });
    // The launcher runs the provider's bundles through vm.Script with cached data, and a script
    // compiled from a V8 code cache has no dynamic-import loader: an `import()` that esbuild
    // leaves in a bundle (of a built-in or an external) works on the first run and fails on
    // every later one, once the cache is warm.
    for (const [file, output] of Object.entries(result.metafile.outputs)) {
      const dynamic = output.imports.filter((i) => i.kind === "dynamic-import" && i.external);
      if (providerBundles.includes(e.out) && dynamic.length > 0) {
        process.exitCode = 1;
        throw new Error(
          `${file} keeps a dynamic import() of ${dynamic.map((i) => i.path).join(", ")}, which fails once the provider's code cache is warm. Use a static import or require().`,
        );
      }
    }
  }),
);

/** The bundles the launcher loads, by file name, with the first 16 hex digits of their sha256. */
const hashes = Object.fromEntries(
  providerBundles.map((f) => [
    basename(f),
    createHash("sha256").update(readFileSync(f)).digest("hex").slice(0, 16),
  ]),
);
await build({
  ...common,
  entryPoints: ["provider/plugin/launcher.ts"],
  outfile: `${OUT}/provider.js`,
  banner: { js: "#!/usr/bin/env node" },
  define: { CPQ_SSO_BUNDLE_HASHES: JSON.stringify(hashes) },
});
chmodSync(`${OUT}/provider.js`, 0o755);

// The CLI's launcher (provider/cli/launcher.ts): Node's compile cache for cpq-sso.js, then the CLI.
await build({
  ...common,
  entryPoints: ["provider/cli/launcher.ts"],
  outfile: `${OUT}/cli.js`,
  external: ["./cpq-sso.js"],
});

// ---- the constructs, for each framework ------------------------------------------------------

/** The frameworks the constructs are built for: module name and the package's entry subpath. */
const FRAMEWORKS = [
  { module: "cdktf", entry: "cdktf.js", other: "cdktn", otherImport: "cpq-sso/cdktn" },
  { module: "cdktn", entry: "cdktn.js", other: "cdktf", otherImport: "cpq-sso" },
];

rmSync(`${OUT}/lib`, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const compiled = spawnSync(
  process.execPath,
  [tsc, "-p", "tsconfig.lib.json", "--outDir", `${OUT}/lib/cdktf`],
  { stdio: "inherit" },
);
if (compiled.status !== 0) {
  process.exitCode = 1;
  throw new Error("tsc -p tsconfig.lib.json failed");
}

/** Every file below `dir`, in a stable order (the build is byte-for-byte reproducible). */
function filesBelow(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? filesBelow(path) : [path];
    });
}

/** `require("cdktf")`, `from "cdktf"` and `import("cdktf")`: the module name only, nothing else. */
const CDKTF_SPECIFIER = /(require\(|from |import\()(["'])cdktf\2/g;
for (const from of filesBelow(`${OUT}/lib/cdktf`)) {
  const to = join(`${OUT}/lib/cdktn`, relative(`${OUT}/lib/cdktf`, from));
  mkdirSync(dirname(to), { recursive: true });
  writeFileSync(to, readFileSync(from, "utf8").replace(CDKTF_SPECIFIER, "$1$2cdktn$2"));
}

for (const f of FRAMEWORKS) {
  writeFileSync(
    join(OUT, f.entry),
    `"use strict";
// The cpq-sso constructs for an app that uses ${f.module}. Generated by scripts/build.mjs.
function has(name) {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}
if (!has(${JSON.stringify(f.module)})) {
  throw new Error(
    has(${JSON.stringify(f.other)})
      ? ${JSON.stringify(`cpq-sso: this app has ${f.other} but not ${f.module}. Import the constructs from "${f.otherImport}" instead.`)}
      : ${JSON.stringify(`cpq-sso: the constructs need the app to install ${f.module} (or ${f.other}) and constructs, e.g. npm install ${f.module === "cdktf" ? "cdktf@0.21" : "cdktn@0.24"} constructs@10.`)},
  );
}
module.exports = require("./lib/${f.module}/constructs/index.js");
`,
  );
}
