/**
 * Measures how fast the built provider starts: spawns `node dist/provider.js` with the magic cookie
 * and a client certificate (AutoMTLS, as terraform starts it) and prints the median milliseconds
 * from spawn to the handshake line, beside `node -e ''` (the floor: Node's own start-up), both with
 * the provider's code cache (in a temporary directory, filled by the first session) and without it
 * (the first start after an install), and a whole session: handshake, schema, shutdown, exit.
 * Not a test: numbers to watch. Run `npm run build` first, then
 * `npx tsx scripts/bench-handshake.ts [runs]`. `npm run bench` prints the same figures among others.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCommandLine } from "../provider/cli/io";
import { generateServerCertificate } from "../provider/plugin/cert";
import { fmtStats, pluginEnv, pluginSession, repeat, stats, timeProcess } from "./bench/measure";

const BUNDLE = join(__dirname, "..", "dist", "provider.js");
const USAGE = "Usage: npx tsx scripts/bench-handshake.ts [RUNS (20)]\n";

/** The number of runs, from the one optional argument. */
function parseRuns(argv: readonly string[]): number | "help" {
  const args = parseCommandLine(argv, { allowPositionals: true }, USAGE);
  if (args === "help") return "help";
  const [text, ...extra] = args.positionals;
  if (extra.length > 0)
    throw new Error(`one argument at most, got ${args.positionals.join(" ")}.\n\n${USAGE}`);
  if (text === undefined) return 20;
  const runs = Number(text);
  if (!Number.isInteger(runs) || runs < 1 || runs > 1000)
    throw new Error(`RUNS needs a count 1-1000, not "${text}".\n\n${USAGE}`);
  return runs;
}

async function main(): Promise<void> {
  const runs = parseRuns(process.argv.slice(2));
  if (runs === "help") {
    process.stdout.write(USAGE);
    return;
  }
  if (!existsSync(BUNDLE))
    throw new Error("dist/provider.js is missing: run `npm run build` first.");
  const cacheDir = mkdtempSync(join(tmpdir(), "cpq-sso-bench-cache-"));
  try {
    const client = generateServerCertificate();
    const cached = pluginEnv(client, { CPQ_SSO_CODE_CACHE: cacheDir });
    const cold = pluginEnv(client, { CPQ_SSO_CODE_CACHE: "off" });
    const node = (): Promise<number> => timeProcess(["-e", ""], { PATH: process.env.PATH }, false);
    await node(); // warm the file cache
    await pluginSession(BUNDLE, client, cached); // fill the code cache
    const row = (label: string, text: string): boolean =>
      process.stdout.write(`${label.padEnd(46)} ${text}\n`);
    row("node -e ''", fmtStats(await repeat(runs, node)));
    row(
      "handshake line (code cache)",
      fmtStats(await repeat(runs, () => timeProcess([BUNDLE], cached, true))),
    );
    row(
      "handshake line (no code cache)",
      fmtStats(await repeat(runs, () => timeProcess([BUNDLE], cold, true))),
    );
    const sessions = [];
    for (let i = 0; i < runs; i++) sessions.push(await pluginSession(BUNDLE, client, cached));
    row("session: schema answered (code cache)", fmtStats(stats(sessions.map((s) => s.schema))));
    row(
      "session: shut down and exited (code cache)",
      fmtStats(stats(sessions.map((s) => s.exited))),
    );
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
