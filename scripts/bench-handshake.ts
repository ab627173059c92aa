/**
 * Measures how fast the built provider hand-shakes: spawns `node dist/provider.js` with the magic
 * cookie and a client certificate (AutoMTLS, as terraform starts it) 20 times and prints the
 * median milliseconds from spawn to the handshake line, beside the same for `node -e ''` (the
 * floor: Node's own start-up). Not a test: a number to watch. Run `npm run build` first, then
 * `npx tsx scripts/bench-handshake.ts [runs]`. `npm run bench` prints the same figure among others.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fmtStats, pluginEnv, repeat, timeProcess } from "./bench-lib";

const BUNDLE = join(__dirname, "..", "dist", "provider.js");

async function main(): Promise<void> {
  if (!existsSync(BUNDLE))
    throw new Error("dist/provider.js is missing: run `npm run build` first.");
  const runs = Number(process.argv[2] ?? 20);
  const env = pluginEnv();
  const node = (): Promise<number> => timeProcess(["-e", ""], { PATH: process.env.PATH }, false);
  const provider = (): Promise<number> => timeProcess([BUNDLE], env, true);
  await node(); // warm the file cache
  process.stdout.write(`${"node -e ''".padEnd(34)} ${fmtStats(await repeat(runs, node))}\n`);
  await provider();
  process.stdout.write(
    `${"node dist/provider.js (handshake)".padEnd(34)} ${fmtStats(await repeat(runs, provider))}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
