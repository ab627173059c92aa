/**
 * Section 4: the peak resident memory (and CPU time) of the provider processes Terraform starts,
 * recorded by `/usr/bin/time` around each one, during the scale sections (3 and 6).
 */
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { PROVIDER_COMPANIONS, installProvider } from "../../provider/cli/install";
import { stats } from "./measure";
import { BUNDLE } from "./runner";
import type { Row } from "./runner";

/** GNU time, which records a process's peak resident memory. */
export const TIME = "/usr/bin/time";

/** Installs a provider whose executable runs the bundle under `/usr/bin/time`, for peak RSS. */
export function installMeasured(
  root: string,
): { cliConfigFile: string; rssDir: string } | undefined {
  if (!existsSync(TIME)) return undefined;
  const rssDir = join(root, "rss");
  mkdirSync(rssDir, { recursive: true });
  const wrapper = join(root, "provider-under-time.sh");
  // A copy: a build run elsewhere during the suite must not change what is measured.
  const bundle = join(root, "provider-measured.js");
  copyFileSync(BUNDLE, bundle);
  // The files the bundle loads from beside itself (see scripts/build.mjs).
  for (const name of PROVIDER_COMPANIONS)
    copyFileSync(join(dirname(BUNDLE), name), join(root, name));
  // One file per process ($$ is the shell's pid, kept by exec): peak RSS in KiB, CPU seconds.
  writeFileSync(
    wrapper,
    `#!/bin/sh\nexec ${TIME} -f "%M %U %S" -o "${rssDir}/rss.$$" "${process.execPath}" "${bundle}" "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  const r = installProvider({ dir: join(root, "measured"), bundle: wrapper });
  return { cliConfigFile: r.cliConfigFile, rssDir };
}

/** Peak RSS (MiB) and CPU time (s) of the provider processes recorded so far; clears them. */
export function takeProcessRecords(rssDir: string): { rssMiB: number[]; cpuS: number[] } {
  const rssMiB: number[] = [];
  const cpuS: number[] = [];
  for (const f of readdirSync(rssDir)) {
    const last = readFileSync(join(rssDir, f), "utf8").trim().split("\n").pop() ?? "";
    const [kib, user, sys] = last.split(" ").map(Number);
    if (kib !== undefined && Number.isFinite(kib)) rssMiB.push(kib / 1024);
    if (user !== undefined && sys !== undefined) cpuS.push(user + sys);
    rmSync(join(rssDir, f), { force: true });
  }
  return { rssMiB, cpuS };
}

/** Section 4's row: the largest provider process during a scale run, the smallest beside it. */
export function peakRssRow(
  section: number,
  /** The section measured, and what it ran (`1,000 logins`), if it ran several things. */
  during: { readonly section: number; readonly what?: string },
  rssMiB: readonly number[],
  /** Appended to the note. */
  more = "",
): Row {
  const peak = stats(rssMiB);
  const what = during.what === undefined ? "" : `${during.what}; `;
  return {
    section,
    what: `peak RSS of a provider process during ${during.section} (${what}${peak.n} processes)`,
    // The figure is the largest process; median and min over the processes beside it.
    figure: { median: peak.max, min: peak.min, max: peak.max, n: peak.n },
    floors: [],
    unit: "MiB",
    goal: { limitMs: 150, text: "< 150 MB" },
    note: `largest process, smallest beside it${more}`,
  };
}
