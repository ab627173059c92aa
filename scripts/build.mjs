// Bundles the provider plugin and the CLI with esbuild. Self-contained files mean Node resolves no
// modules at start-up (Terraform starts the provider 3-4 times per command). Node pre-parses
// every byte of a file it loads, so what start-up does not need sits in companion files beside
// the provider, loaded on first use: the CPQ client (undici: only the process that configures
// the provider needs it) and zod (shared by validation and the client; a process that only
// answers the schema never reads it). `cpq-sso install` copies them with the provider.
//
// The executable itself, dist/provider.js, is a small launcher (provider/plugin/launcher.ts) that
// runs these bundles through V8's code cache; it is built last, with each bundle's content hash
// compiled in, so a cache made from one build is never used with another.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { chmodSync, readFileSync } from "node:fs";
import { basename } from "node:path";

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

/** "zod", in the provider's files, is the shared companion file. */
const zodAsCompanion = {
  name: "zod-as-companion",
  setup(b) {
    b.onResolve({ filter: /^zod$/ }, () => ({ path: "./provider-zod.js", external: true }));
  },
};

const entries = [
  {
    in: "provider/plugin/main.ts",
    out: "dist/provider-main.js",
    plugins: [clientAsCompanion, zodAsCompanion, withoutProtoLoader],
  },
  {
    in: "provider/client/index.ts",
    out: "dist/provider-client.js",
    plugins: [zodAsCompanion],
  },
  { stdin: 'export * from "zod";', out: "dist/provider-zod.js" },
  { in: "provider/cli/main.ts", out: "dist/cpq-sso.js" },
];

await Promise.all(
  entries.map(async (e) => {
    await build({
      ...common,
      ...(e.in ? { entryPoints: [e.in] } : { stdin: { contents: e.stdin, resolveDir: "." } }),
      outfile: e.out,
      plugins: e.plugins ?? [],
    });
  }),
);

/** The bundles the launcher loads, by file name, with the first 16 hex digits of their sha256. */
const hashes = Object.fromEntries(
  ["dist/provider-main.js", "dist/provider-client.js", "dist/provider-zod.js"].map((f) => [
    basename(f),
    createHash("sha256").update(readFileSync(f)).digest("hex").slice(0, 16),
  ]),
);
await build({
  ...common,
  entryPoints: ["provider/plugin/launcher.ts"],
  outfile: "dist/provider.js",
  banner: { js: "#!/usr/bin/env node" },
  define: { CPQ_SSO_BUNDLE_HASHES: JSON.stringify(hashes) },
});
chmodSync("dist/provider.js", 0o755);
