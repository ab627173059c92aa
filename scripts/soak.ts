/**
 * `npm run soak -- --rounds N --logins M --seed S`: the bounded soak of docs/reliability.md.
 * Plan/apply rounds of a stack with SSO and M logins under random transient faults; prints a
 * table and exits 1 when any round went wrong (2 on a usage error).
 */
import { writeFileSync } from "node:fs";
import { parseCommandLine } from "../provider/cli/io";
import { formatReport, runSoak } from "./soak-lib";

const USAGE =
  "Usage: tsx scripts/soak.ts [--rounds N (200)] [--logins M (50)] [--seed S (1)] [--json FILE] [--exec]\n" +
  "  --exec: every terraform command on one provider process, as under cpq-sso exec\n";

interface SoakArgs {
  rounds: number;
  logins: number;
  seed: number;
  json?: string;
  exec: boolean;
}

function parseSoakArgs(argv: readonly string[]): SoakArgs | "help" {
  const args = parseCommandLine(
    argv,
    {
      options: {
        rounds: { type: "string" },
        logins: { type: "string" },
        seed: { type: "string" },
        json: { type: "string" },
        exec: { type: "boolean" },
      },
    },
    USAGE,
  );
  if (args === "help") return "help";
  const { values } = args;
  const usageError = (message: string): Error => new Error(`${message}\n${USAGE}`);
  const int = (flag: string, text: string | undefined, byDefault: number): number => {
    if (text === undefined) return byDefault;
    const n = Number(text);
    if (text.trim() === "" || !Number.isInteger(n))
      throw usageError(`--${flag} takes a whole number, not ${JSON.stringify(text)}`);
    return n;
  };
  const out: SoakArgs = {
    rounds: int("rounds", values.rounds, 200),
    logins: int("logins", values.logins, 50),
    seed: int("seed", values.seed, 1),
    exec: values.exec === true,
    ...(values.json === undefined ? {} : { json: values.json }),
  };
  if (out.rounds < 1 || out.logins < 1 || out.logins > 999) {
    throw usageError("rounds must be at least 1 and logins from 1 to 999");
  }
  return out;
}

async function main(): Promise<number> {
  let args: SoakArgs;
  try {
    const parsed = parseSoakArgs(process.argv.slice(2));
    if (parsed === "help") {
      process.stdout.write(USAGE);
      return 0;
    }
    args = parsed;
  } catch (e) {
    // The message ends with the usage.
    process.stderr.write((e as Error).message);
    return 2;
  }
  process.stdout.write(
    `soak: ${args.rounds} rounds, ${args.logins} logins, seed ${args.seed}${args.exec ? ", one provider process (exec)" : ""}\n`,
  );
  const { json, ...soak } = args;
  const report = await runSoak({
    ...soak,
    onRound: (r) =>
      process.stdout.write(
        `round ${r.round}: ${r.outcome} faults=[${r.faults.join(",")}] met=${r.faultsMet} ${(r.ms / 1000).toFixed(1)}s${r.note ? ` ${r.note}` : ""}\n`,
      ),
  });
  process.stdout.write(`\n${formatReport(report)}\n`);
  // The report as data, for the short soak of the test suite (it runs this script as a user would).
  if (json !== undefined) writeFileSync(json, JSON.stringify(report, null, 2) + "\n");
  return report.wentWrong === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`soak failed to run: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(2);
  },
);
