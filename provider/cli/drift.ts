/**
 * `cpq-sso drift`: a read-only check for scheduled jobs. It runs `terraform plan` on a synthesized
 * stack (the provider only reads CPQ during a plan, and a plan never writes state), then reports
 * which attribute of which resource differs, declared against live, secrets masked. Exit codes
 * follow `terraform plan -detailed-exitcode`: 0 in sync, 2 drift, 1 error.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { PlanJson, ResourceChangeSummary } from "./plan-json";
import { parsePlanJson, summarizeChange } from "./plan-json";

/** The JSON report of a drift check. */
export interface DriftReport {
  readonly inSync: boolean;
  readonly resources: readonly {
    readonly address: string;
    readonly action: string;
    readonly attributes: readonly { attribute: string; declared: string; live: string }[];
  }[];
  readonly certificates: readonly {
    readonly address: string;
    readonly notAfter: string;
    readonly daysLeft: number;
    readonly expired: boolean;
  }[];
  /** True when a certificate expires within the threshold: drift-worthy, with its own flag. */
  readonly certificateExpiring: boolean;
  readonly certificateDays: number;
}

const DAY_MS = 86_400_000;

/** Builds the drift report from a plan (live = before, declared = after). */
export function driftReport(plan: PlanJson, certificateDays = 30, now = new Date()): DriftReport {
  const changed: ResourceChangeSummary[] = (plan.resource_changes ?? [])
    .filter((rc) => rc.mode !== "data")
    .map(summarizeChange)
    .filter((r) => r.action !== "no-op" && r.action !== "read");
  const resources = changed.map((r) => ({
    address: r.address,
    action: r.action,
    attributes: r.changes
      // Computed facts follow from the settings; they are not drift of their own.
      .filter((c) => !["restart_required", "saved_at", "token_present"].includes(c.attribute))
      .map((c) => ({ attribute: c.attribute, declared: c.after, live: c.before })),
  }));
  const certificates: DriftReport["certificates"][number][] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.type !== "cpq_sso_configuration") continue;
    const live = (rc.change.before ?? rc.change.after ?? {}) as Record<string, unknown>;
    const notAfter = live.certificate_not_after;
    if (typeof notAfter !== "string") continue;
    const left = Date.parse(notAfter) - now.getTime();
    const daysLeft = Math.floor(left / DAY_MS);
    if (daysLeft < certificateDays) {
      certificates.push({ address: rc.address, notAfter, daysLeft, expired: left <= 0 });
    }
  }
  return {
    inSync: resources.length === 0 && certificates.length === 0,
    resources,
    certificates,
    certificateExpiring: certificates.length > 0,
    certificateDays,
  };
}

/** The readable form of the report. */
export function driftText(report: DriftReport): string {
  if (report.inSync) return "In sync: CPQ matches the declared configuration.\n";
  const lines: string[] = [];
  for (const r of report.resources) {
    lines.push(
      `${r.address}: ${r.action === "create" ? "missing in CPQ (would be created)" : r.action}`,
    );
    for (const a of r.attributes)
      lines.push(`  ${a.attribute}: declared ${a.declared}, live ${a.live}`);
  }
  for (const c of report.certificates) {
    lines.push(
      c.expired
        ? `${c.address}: the IdP certificate expired on ${c.notAfter}; SAML logins are failing.`
        : `${c.address}: the IdP certificate expires in ${c.daysLeft} days (${c.notAfter}).`,
    );
  }
  return `Drift found:\n${lines.join("\n")}\n`;
}

function terraform(
  args: string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn("terraform", args, {
      cwd,
      env: { ...process.env, TF_IN_AUTOMATION: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", (e: NodeJS.ErrnoException) =>
      reject(
        e.code === "ENOENT"
          ? new Error("terraform is not on the PATH; the drift check runs terraform plan.")
          : e,
      ),
    );
    child.on("close", (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
  });
}

function option(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

const USAGE = `Usage: cpq-sso drift [--dir STACK_DIR] [--json FILE] [--certificate-days N]
  STACK_DIR holds the synthesized cdk.tf.json (default: the current directory).
  Exit 0 in sync, 2 drift (or a certificate expiring within N days, default 30), 1 error.
`;

/** The `cpq-sso drift` command. */
export async function runDrift(argv: readonly string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(USAGE);
    return 0;
  }
  const dir = resolve(option(argv, "--dir") ?? ".");
  const jsonOut = option(argv, "--json");
  const days = Number(option(argv, "--certificate-days") ?? "30");
  if (!Number.isFinite(days) || days < 0)
    throw new Error("--certificate-days takes a number of days (0 or more).");
  if (!existsSync(join(dir, ".terraform"))) {
    const init = await terraform(["init", "-input=false", "-no-color"], dir);
    if (init.code !== 0) {
      process.stderr.write(`terraform init failed:\n${init.stderr}`);
      return 1;
    }
  }
  const tmp = mkdtempSync(join(tmpdir(), "cpq-sso-drift-"));
  try {
    const planFile = join(tmp, "drift.tfplan");
    // -lock=false: a read-only check must not block, or be blocked by, an apply job.
    const plan = await terraform(
      [
        "plan",
        "-input=false",
        "-no-color",
        "-lock=false",
        "-detailed-exitcode",
        `-out=${planFile}`,
      ],
      dir,
    );
    if (plan.code === 1) {
      process.stderr.write(`terraform plan failed:\n${plan.stderr}`);
      return 1;
    }
    const shown = await terraform(["show", "-json", "-no-color", planFile], dir);
    if (shown.code !== 0) {
      process.stderr.write(`terraform show failed:\n${shown.stderr}`);
      return 1;
    }
    const report = driftReport(parsePlanJson(shown.stdout), days);
    process.stdout.write(driftText(report));
    if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify(report, null, 2)}\n`);
    return report.inSync ? 0 : 2;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
