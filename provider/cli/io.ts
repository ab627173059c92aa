/**
 * Small shared pieces of the CLI commands: reading options, writing files nobody else reads,
 * finding the package's own files.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

// Re-exported: every command reads its options through this; its home is common/ because the
// simulator's command line uses it too, and the simulator imports nothing from provider/.
export type { CommandLine, CommandLineSpec } from "../../common/command-line";
export { parseCommandLine } from "../../common/command-line";

/**
 * Writes an output file readable by its owner only (0600, also when it existed): a plan summary
 * names the site's settings and which secrets change, even with their values masked.
 */
export function writePrivate(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** A command's input: the named file, or stdin for none or `-`. */
export function readInput(file: string | undefined): string {
  return readFileSync(file === undefined || file === "-" ? 0 : file, "utf8");
}

/**
 * The root of the cpq-sso package, holding package.json, `dist/` and `ci/`: the parent of
 * `dist/` for the bundled CLI (dist/cpq-sso.js), two levels up from `provider/cli/` in the source
 * tree (tsx, jest).
 */
export function packageRoot(): string {
  const bundled = join(__dirname, "..");
  return existsSync(join(bundled, "package.json")) ? bundled : join(__dirname, "..", "..");
}
