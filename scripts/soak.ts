/**
 * `npm run soak -- --rounds N --logins M --seed S`: the bounded soak of docs/reliability.md.
 * Plan/apply rounds of a stack with SSO and M logins under random transient faults; prints a
 * table and exits 1 when any round went wrong (2 on a usage error).
 */
import { formatReport, runSoak } from "./soak-lib";

const USAGE = "Usage: tsx scripts/soak.ts [--rounds N (200)] [--logins M (50)] [--seed S (1)]\n";

function parseArgs(argv: readonly string[]): { rounds: number; logins: number; seed: number } {
  const out = { rounds: 200, logins: 50, seed: 1 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
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
  const report = await runSoak({
    ...args,
    onRound: (r) =>
      process.stdout.write(
        `round ${r.round}: ${r.outcome} faults=[${r.faults.join(",")}] met=${r.faultsMet} ${(r.ms / 1000).toFixed(1)}s${r.note ? ` ${r.note}` : ""}\n`,
      ),
  });
  process.stdout.write(`\n${formatReport(report)}\n`);
  return report.wentWrong === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`soak failed to run: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(2);
  },
);
