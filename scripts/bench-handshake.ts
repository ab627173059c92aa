/**
 * Measures how fast the built provider hand-shakes: spawns `node dist/provider.js` with the magic
 * cookie and a client certificate (AutoMTLS, as terraform starts it) 20 times and prints the
 * median milliseconds from spawn to the handshake line, beside the same for `node -e ''` (the
 * floor: Node's own start-up). Not a test: a number to watch. Run `npm run build` first, then
 * `npx tsx scripts/bench-handshake.ts [runs]`.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { generateServerCertificate } from "../provider/plugin/cert";
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from "../provider/plugin/handshake";

const BUNDLE = join(__dirname, "..", "dist", "provider.js");

function time(args: string[], env: NodeJS.ProcessEnv, untilLine: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "ignore"] });
    const done = (): void => resolve(Number(process.hrtime.bigint() - started) / 1e6);
    if (untilLine) {
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("\n")) {
          done();
          child.kill();
        }
      });
      child.on("exit", (code) => {
        if (!out.includes("\n")) reject(new Error(`provider exited ${code} without a handshake`));
      });
    } else {
      child.on("exit", done);
    }
    child.on("error", reject);
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function bench(label: string, run: () => Promise<number>, runs: number): Promise<void> {
  await run(); // warm the file cache
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) xs.push(await run());
  const fmt = (n: number): string => n.toFixed(1);
  process.stdout.write(
    `${label.padEnd(34)} median ${fmt(median(xs))} ms  (min ${fmt(Math.min(...xs))}, max ${fmt(Math.max(...xs))}, n=${runs})\n`,
  );
}

async function main(): Promise<void> {
  if (!existsSync(BUNDLE))
    throw new Error("dist/provider.js is missing: run `npm run build` first.");
  const runs = Number(process.argv[2] ?? 20);
  const env = {
    PATH: process.env.PATH,
    [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
    PLUGIN_PROTOCOL_VERSIONS: "5,6",
    PLUGIN_CLIENT_CERT: generateServerCertificate().certPem,
  };
  await bench("node -e ''", () => time(["-e", ""], { PATH: process.env.PATH }, false), runs);
  await bench("node dist/provider.js (handshake)", () => time([BUNDLE], env, true), runs);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
