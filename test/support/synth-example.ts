/**
 * An example's CDKTF app synthesized as a user (and the workflows) run it:
 * `CDKTF_OUTDIR=<out> npx tsx examples/<name>/main.ts`.
 */
import { spawnSync } from "node:child_process";
import type { SpawnSyncReturns } from "node:child_process";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");
const TSX = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");

/** Synthesizes `examples/<name>` into `outDir`: the run, and the directory of its stack `<name>`. */
export function synthExample(
  name: string,
  outDir: string,
): { readonly run: SpawnSyncReturns<string>; readonly stackDir: string } {
  const run = synthApp(join(ROOT, "examples", name, "main.ts"), outDir);
  return { run, stackDir: join(outDir, "stacks", name) };
}

/** Runs the CDKTF app `main` (a .ts file) under tsx, synthesizing into `outDir`. */
export function synthApp(main: string, outDir: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [TSX, main], {
    env: { ...process.env, CDKTF_OUTDIR: outDir },
    encoding: "utf8",
  });
}
