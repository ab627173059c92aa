/** The bench's one table: each figure beside its floors, their ratios, the goal and its verdict. */
import { spawnSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { terraformBinary } from "../../provider/cli/terraform";
import { fmtMs } from "./measure";
import type { Row } from "./runner";

function verdict(row: Row): string {
  const first = row.floors[0];
  if (row.goal?.limitMs !== undefined)
    return row.figure.median < row.goal.limitMs ? "met" : "MISSED";
  if (row.goal?.ratio !== undefined && first) {
    return row.figure.median / first.ms < row.goal.ratio ? "met" : "MISSED";
  }
  return "";
}

export function table(rows: readonly Row[]): string {
  const lines = [
    "| # | Measure | Median (min-max, n) | Floor | Ratio | Goal | |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const r of rows) {
    const floors = r.floors.map((f) => `${f.label}: ${fmtMs(f.ms)}`).join("; ") || "-";
    const ratios =
      r.floors
        .filter((f) => f.ms > 0)
        .map((f) => `${(r.figure.median / f.ms).toFixed(2)}x`)
        .join("; ") || "-";
    const fmt = (x: number): string => (r.unit ? `${x.toFixed(0)} ${r.unit}` : fmtMs(x));
    const fig = `${fmt(r.figure.median)} (${fmt(r.figure.min)}-${fmt(r.figure.max)}, ${r.figure.n})`;
    const what = r.note ? `${r.what} [${r.note}]` : r.what;
    lines.push(
      `| ${r.section} | ${what} | ${fig} | ${floors} | ${ratios} | ${r.goal?.text ?? "-"} | ${verdict(r)} |`,
    );
  }
  return lines.join("\n");
}

export function machine(): string {
  const cpu = cpus();
  const tf = spawnSync(terraformBinary(), ["version"], { encoding: "utf8" }).stdout.split("\n")[0];
  return `${cpu.length} x ${cpu[0]?.model ?? "?"}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ${tf}, ${new Date().toISOString()}`;
}
