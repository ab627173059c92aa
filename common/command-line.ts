/**
 * The one command-line parser of the `cpq-sso` commands and the simulator's: `node:util`'s
 * `parseArgs`, strict, with the usage appended to every mistake. In common/ because both sides
 * use it and the simulator imports nothing from provider/; it knows nothing of CPQ.
 */
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
