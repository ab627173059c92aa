/**
 * `cpq-sso drift`: a read-only check for scheduled jobs. It runs `terraform plan` (or the binary
 * the user chose, e.g. OpenTofu's `tofu`) in any Terraform directory, HCL or a synthesized CDKTF
 * stack: the provider only reads CPQ during a plan, a plan never writes state, and `-lock=false`
 * keeps it from taking (or waiting for) the state lock. It then reports which attribute of which
 * resource differs, declared against live, secrets masked, and the configuration's failed `check`
 * blocks. Exit codes follow `terraform plan -detailed-exitcode`: 0 in sync, 2 drift (or a
 * certificate expiring, or a failed check), 1 error.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { FailedCheck, PlanJson } from "./plan-json";
import {
  MASK,
  asRecord,
  attributeOf,
  failedChecks,
  parseEntryName,
  parsePlanJson,
  resourceOf,
  shownResources,
  summarizeChange,
} from "./plan-json";
import { parseCommandLine, writePrivate } from "./io";
import { execWanted, withProviderSession } from "./exec";
import { runTerraform } from "./terraform";
import { pendingIn, pendingLines } from "./restart";
import type { PendingRestart } from "./restart";
import { DAY_MS, expiresIn } from "../saml/certificate";
import { logText } from "../text/escape";

/** One attribute whose declared value differs from the live one. */
export interface DriftedAttribute {
  readonly attribute: string;
  /** The value in the configuration, masked when sensitive. */
  readonly declared: string;
  /** The value CPQ has now, masked when sensitive; see {@link DriftedAttribute.liveFrom}. */
  readonly live: string;
  /**
   * `cpq`: read from CPQ during this check. `last-apply`: CPQ never returns this value (a
   * password) or does not hold it (a Terraform-only setting), so "live" is what the last apply set.
   */
  readonly liveFrom: "cpq" | "last-apply";
  /** Terraform saw this value change outside Terraform since the last apply. */
  readonly changedOutsideTerraform: boolean;
}

/** One resource that differs. */
export interface DriftedResource {
  readonly address: string;
  /** What an apply would do: `update`, `create` (missing in CPQ), `delete`, `replace`. */
  readonly action: string;
  readonly attributes: readonly DriftedAttribute[];
}

/** An IdP certificate that expires within the threshold (or has expired), as live in CPQ. */
export interface ExpiringCertificate {
  readonly address: string;
  readonly notAfter: string;
  readonly daysLeft: number;
  readonly expired: boolean;
}

/** The JSON report of a drift check. */
export interface DriftReport {
  /** Neither drift nor an expiring certificate: exit code 0. */
  readonly inSync: boolean;
  /** Some declared setting differs from live CPQ. */
  readonly drift: boolean;
  /** An IdP certificate expires within `certificateDays`: drift-worthy, with its own flag. */
  readonly certificateExpiring: boolean;
  readonly certificateDays: number;
  /** A `check` block or condition of the configuration failed. */
  readonly checksFailed: boolean;
  readonly resources: readonly DriftedResource[];
  readonly certificates: readonly ExpiringCertificate[];
  readonly checks: readonly FailedCheck[];
  /**
   * Server restarts still pending in the refreshed state (not acknowledged with
   * `restart_done_at`). Reported, but no drift: the exit code does not count them.
   */
  readonly restartsPending: readonly PendingRestart[];
}

/**
 * Where the "live" value comes from, by the attribute's kind in its table: a plain `optional`
 * attribute is one CPQ never returns (a password, a token) or does not hold (destroy_behavior,
 * validate_credentials, exclusive, user_login), so its refreshed value is the last apply's.
 * Required and optional+computed attributes are read back from CPQ.
 */
function liveFrom(type: string, name: string): DriftedAttribute["liveFrom"] {
  const entry = parseEntryName(name);
  const attr = attributeOf(type, entry?.attribute ?? name);
  return attr?.kind === "optional" ? "last-apply" : "cpq";
}

const WRITE_ONLY_NOTE = "(a write-only secret)";

/**
 * Builds the drift report from a plan of the declared configuration against refreshed state:
 * live = before, declared = after.
 */
export function driftReport(plan: PlanJson, certificateDays = 30, now = new Date()): DriftReport {
  const outside = new Map<string, Set<string>>();
  // Deleted outside Terraform: a drift entry with no attribute changes, yet every attribute the
  // apply would create again changed outside Terraform.
  const deletedOutside = new Set<string>();
  for (const rc of plan.resource_drift ?? []) {
    outside.set(rc.address, new Set(summarizeChange(rc).changes.map((c) => c.attribute)));
    if (rc.change.actions.includes("delete")) deletedOutside.add(rc.address);
  }
  const resources: DriftedResource[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode === "data") continue;
    const r = summarizeChange(rc);
    if (r.action === "no-op" || r.action === "read") continue;
    const attributes: DriftedAttribute[] = r.changes
      // Computed facts (restart_required, saved_at, certificate facts) follow from the settings.
      .filter((c) => attributeOf(r.type, c.attribute)?.kind !== "computed")
      .map((c) => ({
        attribute: c.attribute,
        declared: c.after,
        live: c.before,
        liveFrom: liveFrom(r.type, c.attribute),
        changedOutsideTerraform:
          deletedOutside.has(r.address) || (outside.get(r.address)?.has(c.attribute) ?? false),
      }));
    if (r.action === "update" && attributes.length === 0) {
      // Only computed attributes change: the provider saw a write-only secret differ from the one
      // last applied (it keeps a salted hash), which the plan cannot show.
      attributes.push({
        attribute: WRITE_ONLY_NOTE,
        declared: MASK,
        live: MASK,
        liveFrom: "last-apply",
        changedOutsideTerraform: false,
      });
    }
    resources.push({ address: r.address, action: r.action, attributes });
  }
  const certificates: ExpiringCertificate[] = [];
  for (const rc of plan.resource_changes ?? []) {
    // Resources whose definition names a certificate attribute carry its computed expiry.
    if (rc.mode === "data" || !resourceOf(rc.type)?.review.certificates?.length) continue;
    // The refreshed state (before) is what CPQ holds now; a resource missing in CPQ has none.
    const live = rc.change.before as Record<string, unknown> | null | undefined;
    const notAfter = live?.certificate_not_after;
    if (typeof notAfter !== "string") continue;
    const left = Date.parse(notAfter) - now.getTime();
    if (left < certificateDays * DAY_MS) {
      certificates.push({
        address: rc.address,
        notAfter,
        daysLeft: Math.round(left / DAY_MS),
        expired: left <= 0,
      });
    }
  }
  // The stack's own assertions, such as a check on provider::cpq::certificate, count like drift.
  const checks = failedChecks(plan);
  const drift = resources.length > 0;
  const certificateExpiring = certificates.length > 0;
  const checksFailed = checks.length > 0;
  // Each change's "before" is the refreshed state, so a restart the refresh found is in it too.
  const restartsPending = pendingIn(
    (plan.resource_changes ?? []).map((rc) => ({
      address: rc.address,
      type: rc.type,
      ...(rc.mode === undefined ? {} : { mode: rc.mode }),
      values: asRecord(rc.change.before),
    })),
  );
  return {
    restartsPending,
    inSync: !drift && !certificateExpiring && !checksFailed,
    drift,
    certificateExpiring,
    certificateDays,
    checksFailed,
    resources,
    certificates,
    checks,
  };
}

const ACTION_TEXT: Readonly<Record<string, string>> = {
  create: "missing in CPQ (an apply would create it)",
  delete: "no longer declared (an apply would remove it)",
  replace: "differs in a setting that replaces it (an apply would replace it)",
  update: "differs from the declared configuration",
};

/** The readable form of the report. */
export function driftText(report: DriftReport): string {
  const restarts = (report.restartsPending ?? []).length
    ? `${pendingLines(report.restartsPending).join("\n")}\n`
    : "";
  if (report.inSync) {
    return `In sync: CPQ matches the declared configuration, and no IdP certificate expires within ${report.certificateDays} days.\n${restarts}`;
  }
  const lines: string[] = [];
  if (report.drift) {
    lines.push("Drift: CPQ differs from the declared configuration.");
    for (const r of report.resources) {
      lines.push(`  ${r.address}: ${ACTION_TEXT[r.action] ?? r.action}`);
      for (const a of r.attributes) {
        const notes = [
          a.changedOutsideTerraform ? "changed outside Terraform" : "",
          a.liveFrom === "last-apply" ? "CPQ does not return it: compared with the last apply" : "",
        ].filter(Boolean);
        lines.push(
          `    ${a.attribute}: declared ${a.declared}, live ${a.live}${notes.length ? ` (${notes.join("; ")})` : ""}`,
        );
      }
    }
  } else {
    lines.push("No drift: CPQ matches the declared configuration.");
  }
  if (report.certificateExpiring) {
    lines.push(`Certificate expiring (within ${report.certificateDays} days):`);
    for (const c of report.certificates) {
      lines.push(
        c.expired
          ? `  ${c.address}: the IdP certificate in CPQ expired on ${c.notAfter}; SAML logins are failing.`
          : `  ${c.address}: the IdP certificate in CPQ expires ${expiresIn(c.daysLeft * DAY_MS)} (${c.notAfter}); roll the new one before then.`,
      );
    }
  }
  if (report.checksFailed) {
    lines.push("Checks failed in the configuration:");
    for (const c of report.checks) {
      lines.push(`  ${c.address}${c.messages.length ? `: ${c.messages.join(" ")}` : ""}`);
    }
  }
  return `${lines.join("\n")}\n${restarts}`;
}

// ---- the command ----------------------------------------------------------------------------

/** terraform for the drift check: the shared runner, with a time limit of 30 minutes. */
async function terraform(
  args: string[],
  cwd: string,
  binary: string | undefined,
  provider: Readonly<Record<string, string>> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await runTerraform(args, {
    cwd,
    env: {
      ...process.env,
      TF_IN_AUTOMATION: "1",
      ...(binary === undefined ? {} : { TERRAFORM_BINARY_NAME: binary }),
      ...provider,
    },
    timeoutMs: 30 * 60_000,
    purpose: "the drift check",
    forwardSignals: true,
  });
  if (r.timedOut) throw new Error(`terraform ${args[0]} did not finish within 30 minutes.`);
  return r;
}

/** Whether the plan started from a state holding at least one managed resource. */
function hasPriorState(plan: PlanJson): boolean {
  const prior = asRecord(asRecord(plan.prior_state).values).root_module;
  return shownResources(prior).some((r) => r.mode !== "data");
}

const USAGE = `Usage: cpq-sso drift [--dir DIR] [--json FILE] [--certificate-days N] [--terraform BINARY] [--no-exec]
  DIR is a Terraform configuration: HCL (*.tf) or a synthesized stack (cdk.tf.json), default the
  current directory; its backend holds the state of the apply job. CPQ credentials come from
  CPQ_* and secrets from TF_VAR_*, as for plan.
  Read-only: terraform plan with -lock=false; nothing is written to CPQ or to the state.
  Exit 0 in sync; 2 drift, an IdP certificate expiring within N days (default: the
  CERTIFICATE_DAYS environment variable, else 30) or a failed check block; 1 error.
  BINARY runs instead of terraform, e.g. tofu (default: TERRAFORM_BINARY_NAME, else terraform).
  Its terraform commands share one provider process (cpq-sso exec); --no-exec (or CPQ_SSO_EXEC=0)
  lets terraform start its own.
`;

/** Whether `dir` holds a root module: any Terraform or OpenTofu configuration file. */
function holdsConfiguration(dir: string): boolean {
  if (!existsSync(dir)) return false;
  return readdirSync(dir).some((f) => /\.(tf|tofu)(\.json)?$/.test(f));
}

/** The `cpq-sso drift` command. */
export async function runDrift(argv: readonly string[]): Promise<number> {
  const args = parseCommandLine(
    argv,
    {
      options: {
        dir: { type: "string" },
        json: { type: "string" },
        "certificate-days": { type: "string" },
        terraform: { type: "string" },
        "no-exec": { type: "boolean" },
      },
    },
    USAGE,
  );
  if (args === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  const { values } = args;
  const dir = resolve(values.dir ?? ".");
  const jsonOut = values.json;
  // One setting, two spellings of it: the flag, or CERTIFICATE_DAYS (as CI jobs set it).
  const daysText = values["certificate-days"] ?? process.env.CERTIFICATE_DAYS ?? "30";
  const days = Number(daysText);
  if (daysText.trim() === "" || !Number.isInteger(days) || days < 0)
    throw new Error(
      `--certificate-days (or CERTIFICATE_DAYS) takes a whole number of days (0 or more), not "${daysText}".`,
    );
  const binary = values.terraform?.trim() || undefined;
  if (!holdsConfiguration(dir))
    throw new Error(
      `${dir} holds no Terraform configuration (no .tf or .tf.json file). Pass --dir the directory you run terraform plan in: your HCL root module, or for CDKTF the synthesized stack (cdktf.out/stacks/<stack>, after \`npx cdktf synth\`).`,
    );
  // One provider process for the init, plan and show below (see exec.ts): the plan's refresh
  // then pays for one start instead of three.
  return withProviderSession({ enabled: execWanted(values["no-exec"]) }, async (provider) => {
    if (!existsSync(join(dir, ".terraform"))) {
      const init = await terraform(["init", "-input=false", "-no-color"], dir, binary, provider);
      if (init.code !== 0) {
        process.stderr.write(`terraform init failed:\n${logText(init.stderr)}`);
        return 1;
      }
    }
    const tmp = mkdtempSync(join(tmpdir(), "cpq-sso-drift-"));
    try {
      // The plan file holds non-ephemeral secrets in clear: it lives in a private temp directory
      // and is removed when the check ends.
      const planFile = join(tmp, "drift.tfplan");
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
        binary,
        provider,
      );
      if (plan.code !== 0 && plan.code !== 2) {
        process.stderr.write(`terraform plan failed:\n${logText(plan.stderr)}`);
        return 1;
      }
      const shown = await terraform(
        ["show", "-json", "-no-color", planFile],
        dir,
        binary,
        provider,
      );
      if (shown.code !== 0) {
        process.stderr.write(`terraform show failed:\n${logText(shown.stderr)}`);
        return 1;
      }
      const parsed = parsePlanJson(shown.stdout);
      if (!hasPriorState(parsed)) {
        // Without the apply job's state every resource would read as "missing": a false alarm.
        process.stderr.write(
          "The stack has no state, so there is nothing applied to compare CPQ with. Give the drift job the backend the apply job uses (a remote backend in the stack), or apply first.\n",
        );
        return 1;
      }
      const report = driftReport(parsed, days);
      // Logins, values and check messages come from CPQ and the plan: shown as text in a job log.
      process.stdout.write(logText(driftText(report)));
      if (jsonOut) {
        // 0600, as every file this tool writes: the report names the site's settings.
        writePrivate(jsonOut, `${JSON.stringify(report, null, 2)}\n`);
      }
      return report.inSync ? 0 : 2;
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
}
