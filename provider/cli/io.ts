/**
 * Small shared pieces of the CLI commands: reading options, writing files nobody else reads,
 * finding the package's own files.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { ParseArgsConfig } from "node:util";

/** What a command declares about its arguments: its options, and whether it takes positionals. */
export type CommandLineSpec = Pick<ParseArgsConfig, "options" | "allowPositionals">;

/** The parsed arguments of a command declared by `S`. */
export type CommandLine<S extends CommandLineSpec> = ReturnType<
  typeof parseArgs<S & { args: string[]; strict: true }>
>;

/**
 * Parses a command's arguments with `node:util`'s `parseArgs`, strictly: an unknown option, an
 * option without its value, a value given to a switch or a positional argument the command does
 * not take is an Error naming it, followed by `usage`. `--help` or `-h` anywhere answers "help"
 * before anything is checked, so asking for the usage never fails.
 */
export function parseCommandLine<const S extends CommandLineSpec>(
  argv: readonly string[],
  spec: S,
  usage: string,
): CommandLine<S> | "help" {
  if (argv.includes("--help") || argv.includes("-h")) return "help";
  try {
    return parseArgs({ ...spec, args: [...argv], strict: true });
  } catch (err) {
    // parseArgs reports the user's mistakes as errors coded ERR_PARSE_ARGS_*; anything else is a bug.
    const code = (err as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_"))
      throw new Error(`${(err as Error).message}\n\n${usage}`);
    throw err;
  }
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

/**
 * The root of the cpq-sso package, holding package.json, `dist/` and `ci/`: the parent of
 * `dist/` for the bundled CLI (dist/cpq-sso.js), two levels up from `provider/cli/` in the source
 * tree (tsx, jest).
 */
export function packageRoot(): string {
  const bundled = join(__dirname, "..");
  return existsSync(join(bundled, "package.json")) ? bundled : join(__dirname, "..", "..");
}
