// Bundles the provider plugin and the CLI with esbuild. Self-contained files mean Node resolves no
// modules at start-up (Terraform starts the provider 3-4 times per command). Node pre-parses
// every byte of a file it loads, so what start-up does not need sits in companion files beside
// the provider, loaded on first use: the CPQ client (undici: only the process that configures
// the provider needs it) and zod (shared by validation and the client; a process that only
// answers the schema never reads it). `cpq-sso install` copies them with the provider.
import { build } from "esbuild";
import { chmodSync } from "node:fs";

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
    out: "dist/provider.js",
    executable: true,
    plugins: [clientAsCompanion, zodAsCompanion],
  },
  {
    in: "provider/client/index.ts",
    out: "dist/provider-client.js",
    executable: false,
    plugins: [zodAsCompanion],
  },
  { stdin: 'export * from "zod";', out: "dist/provider-zod.js", executable: false },
  { in: "provider/cli/main.ts", out: "dist/cpq-sso.js", executable: false },
];

await Promise.all(
  entries.map(async (e) => {
    await build({
      ...common,
      ...(e.in ? { entryPoints: [e.in] } : { stdin: { contents: e.stdin, resolveDir: "." } }),
      outfile: e.out,
      banner: e.executable ? { js: "#!/usr/bin/env node" } : {},
      plugins: e.plugins ?? [],
    });
    if (e.executable) chmodSync(e.out, 0o755);
  }),
);
