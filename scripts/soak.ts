/**
 * `npm run soak -- --rounds N --logins M --seed S`: the bounded soak of docs/reliability.md.
 * Plan/apply rounds of a stack with SSO and M logins under random transient faults; prints a
 * table and exits 1 when any round went wrong (2 on a usage error).
 */
import { writeFileSync } from "node:fs";
import { formatReport, runSoak } from "./soak-lib";

const USAGE =
  "Usage: tsx scripts/soak.ts [--rounds N (200)] [--logins M (50)] [--seed S (1)] [--json FILE]\n";

function parseArgs(argv: readonly string[]): {
  rounds: number;
  logins: number;
  seed: number;
  json?: string;
} {
  const out: { rounds: number; logins: number; seed: number; json?: string } = {
    rounds: 200,
    logins: 50,
    seed: 1,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const next = argv[i + 1];
    if (flag === "--json" && next !== undefined) {
      out.json = next;
      i++;
      continue;
    }
    const value = Number(argv[i + 1]);
    const key = flag?.replace(/^--/, "");
    if ((key === "rounds" || key === "logins" || key === "seed") && Number.isInteger(value)) {
      out[key] = value;
      i++;
    } else {
      throw new Error(`unexpected argument ${JSON.stringify(flag)}`);
    }
  }
  if (out.rounds < 1 || out.logins < 1 || out.logins > 999) {
    throw new Error("rounds must be at least 1 and logins from 1 to 999");
  }
  return out;
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  process.stdout.write(`soak: ${args.rounds} rounds, ${args.logins} logins, seed ${args.seed}\n`);
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
