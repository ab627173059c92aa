/** `cpq-sso schema [--json]`: the provider schema as `terraform providers schema -json` prints it. */
import { parseCommandLine } from "./io";

const USAGE = `Usage: cpq-sso schema [--json]
  Prints the provider schema as \`terraform providers schema -json\` does (--json: on one line).
`;

/** The `cpq-sso schema` command; returns the exit code (64 for a mistake on the command line). */
export function runSchema(argv: readonly string[]): number {
  let json: boolean;
  try {
    const args = parseCommandLine(argv, { options: { json: { type: "boolean" } } }, USAGE);
    if (args === "help") {
      process.stdout.write(USAGE);
      return 0;
    }
    json = args.values.json === true;
  } catch (err) {
    process.stderr.write(`cpq-sso schema: ${(err as Error).message}`);
    return 64;
  }
  // Loaded only here: the other commands never build the schema.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { providersSchemaJson } = require("../schema") as typeof import("../schema");
  process.stdout.write(JSON.stringify(providersSchemaJson(), null, json ? 0 : 2) + "\n");
  return 0;
}
