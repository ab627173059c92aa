/** Small shared pieces of the CLI commands: reading options, writing files nobody else reads. */
import { chmodSync, readFileSync, writeFileSync } from "node:fs";

/** The value of `--name VALUE` or `--name=VALUE`, or undefined. */
export function option(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  if (i >= 0) return argv[i + 1];
  return argv.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

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
