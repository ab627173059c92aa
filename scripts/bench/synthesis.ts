/**
 * Section 5: synthesis of a CDKTF app with 1,000 logins (scripts/bench/synth-app.ts), the whole
 * process under tsx and its constructs and `app.synth()` alone, next to `tsx -e ''`.
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { since, stats, timeProcess } from "./measure";
import { TSX, log } from "./runner";
import type { Options, Row } from "./runner";

export async function synthesis(opts: Options, root: string): Promise<Row[]> {
  log(`5. synthesis of a CDKTF app with 1,000 logins, ${opts.runs} runs`);
  const wall: number[] = [];
  const inProcess: number[] = [];
  const nodeFloor: number[] = [];
  const app = join(__dirname, "synth-app.ts");
  // The first run fills tsx's transpile cache, as a developer's earlier run would have.
  for (let i = -1; i < opts.runs; i++) {
    const outdir = join(root, `synth-${i + 1}`);
    const started = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [TSX, app, outdir, "1000"], {
      encoding: "utf8",
      timeout: 120_000,
    });
    const ms = since(started);
    if (r.status !== 0) throw new Error(`the synth app failed:\n${r.stderr}`);
    const times = JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as { synthMs: number };
    rmSync(outdir, { recursive: true, force: true });
    if (i < 0) continue;
    wall.push(ms);
    inProcess.push(times.synthMs);
    nodeFloor.push(await timeProcess([TSX, "-e", ""], { PATH: process.env.PATH }, false));
  }
  return [
    {
      section: 5,
      what: "CDKTF app with 1,000 logins: whole process (tsx)",
      figure: stats(wall),
      floors: [{ label: "tsx -e ''", ms: stats(nodeFloor).median }],
      goal: { limitMs: 2000, text: "< 2 s" },
    },
    {
      section: 5,
      what: "  of which constructs + app.synth()",
      figure: stats(inProcess),
      floors: [],
      goal: { limitMs: 2000, text: "< 2 s" },
    },
  ];
}
