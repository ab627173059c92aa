// Bundles the provider plugin and the CLI with esbuild. One self-contained file per entry means
// Node resolves no modules at start-up (Terraform starts the provider 3-4 times per command), and
// the provider file can be copied into a Terraform plugin mirror as it is.
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

const entries = [
  { in: "provider/plugin/main.ts", out: "dist/provider.js", executable: true },
  { in: "provider/cli/main.ts", out: "dist/cpq-sso.js", executable: false },
];

await Promise.all(
  entries.map(async (e) => {
    await build({
      ...common,
      entryPoints: [e.in],
      outfile: e.out,
      banner: e.executable ? { js: "#!/usr/bin/env node" } : {},
    });
    if (e.executable) chmodSync(e.out, 0o755);
  }),
);
