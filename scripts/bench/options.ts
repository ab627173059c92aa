/** The command line of `npm run bench`: the options the comment at the top of scripts/bench.ts lists. */
import { parseCommandLine } from "../../provider/cli/io";
import type { Options } from "./runner";

export const USAGE = "Options: see the comment at the top of scripts/bench.ts.\n";

export function parseBenchOptions(argv: readonly string[]): Options | "help" {
  const args = parseCommandLine(
    argv,
    {
      options: {
        full: { type: "boolean" },
        "full-apply": { type: "boolean" },
        runs: { type: "string" },
        "full-runs": { type: "string" },
        "handshake-runs": { type: "string" },
        only: { type: "string" },
        "tab-logins": { type: "string" },
        json: { type: "string" },
      },
    },
    USAGE,
  );
  if (args === "help") return "help";
  const { values } = args;
  const int = (flag: string, v: string | undefined, byDefault: number): number => {
    if (v === undefined) return byDefault;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error(`${flag} needs a count 1-1000`);
    return n;
  };
  const fullApply = values["full-apply"] === true;
  const only = new Set((values.only ?? "1,2,3,4,5,7").split(",").map(Number));
  // Memory is measured during section 3.
  if (only.has(4)) only.add(3);
  return {
    full: values.full === true || fullApply,
    fullApply,
    runs: int("--runs", values.runs, 3),
    fullRuns: int("--full-runs", values["full-runs"], 1),
    handshakeRuns: int("--handshake-runs", values["handshake-runs"], 20),
    only,
    json: values.json,
    tabLogins: (() => {
      const v = values["tab-logins"];
      if (v === undefined) return 10_000;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 100_000)
        throw new Error("--tab-logins needs a count 1-100000");
      return n;
    })(),
  };
}
