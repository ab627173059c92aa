import { readFileSync } from "node:fs";
import { join } from "node:path";
import { driftReport, driftText } from "../../provider/cli/drift";
import { parsePlanJson } from "../../provider/cli/plan-json";
import { GITHUB_COMMENT_LIMIT, renderPlanComment, summarizePlan } from "../../provider/cli/report";
import { restartFlags } from "../../provider/cli/restart";

const CERT = readFileSync(join(__dirname, "..", "fixtures", "idp-cert.pem"), "utf8");
const ROLLED = readFileSync(join(__dirname, "..", "fixtures", "idp-cert-rolled.pem"), "utf8");
const CANARY_KEYSTORE = "Y2FuYXJ5LWtleXN0b3JlLXJlcG9ydA==";
const CANARY_PASS = "canary-report-pass-55aa";

function ssoChange(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  unknown: Record<string, unknown> = {},
) {
  return {
    address: "cpq_sso_configuration.sso",
    type: "cpq_sso_configuration",
    name: "sso",
    mode: "managed",
    change: {
      actions: ["update"],
      before,
      after,
      after_unknown: unknown,
      // Deliberately incomplete flags: the schema must still mask the keystore and passwords.
      before_sensitive: {},
      after_sensitive: { saml_store_pass: true },
    },
  };
}

const plan = (changes: unknown[]) =>
  parsePlanJson(JSON.stringify({ format_version: "1.2", resource_changes: changes }));

describe("plan report", () => {
  const base = {
    sso_method: "Federated Authentication",
    saml_logout_url: "https://idp.example.com/a",
    id_provider_certificate: CERT,
    saml_request_keystore: CANARY_KEYSTORE,
    saml_store_pass: CANARY_PASS,
    restart_required: false,
  };

  it("tables each changed attribute, badges restart settings, and masks every secret", () => {
    const summary = summarizePlan(
      plan([
        ssoChange(
          base,
          {
            ...base,
            sso_method: "Federated and Remote",
            saml_request_keystore: "bmV3",
            restart_required: null,
          },
          { restart_required: true },
        ),
      ]),
    );
    expect(summary.verdict).toBe("1 to change; may need a CPQ restart.");
    const md = renderPlanComment(summary);
    expect(md).toContain(
      '| `sso_method` | `"Federated Authentication"` | `"Federated and Remote"` | ⚠️ may need a CPQ restart |',
    );
    expect(md).toContain(
      "| `saml_request_keystore` | _(sensitive)_ | _(sensitive)_ | ⚠️ may need a CPQ restart |",
    );
    expect(md).toContain(
      "| `restart_required` | `false` | _(known after apply)_ | set by CPQ on apply |",
    );
    expect(md).not.toContain(CANARY_KEYSTORE);
    expect(md).not.toContain(CANARY_PASS);
    expect(JSON.stringify(summary)).not.toContain(CANARY_PASS);
    expect(JSON.stringify(summary)).not.toContain(CANARY_KEYSTORE);
  });

  it("masks secrets in the collapsed full plan too, even unchanged ones", () => {
    const md = renderPlanComment(
      summarizePlan(plan([ssoChange(base, { ...base, saml_logout_url: "https://x.example.com" })])),
    );
    const details = md.slice(md.indexOf("<details>"));
    expect(details).toContain("saml_store_pass = (sensitive)");
    expect(details).toContain("saml_request_keystore = (sensitive)");
    expect(details).toContain(
      '~ saml_logout_url = "https://idp.example.com/a" -> "https://x.example.com"',
    );
    expect(details).not.toContain(CANARY_PASS);
    expect(details).not.toContain(CANARY_KEYSTORE);
  });

  it("says a write-only secret changed when only restart_required becomes unknown, and that it may need a restart", () => {
    const summary = summarizePlan(
      plan([ssoChange(base, { ...base, restart_required: null }, { restart_required: true })]),
    );
    expect(summary.resources[0]!.writeOnlySecretChanged).toBe(true);
    expect(summary.restartLikely).toBe(true);
    expect(summary.verdict).toBe("1 to change; may need a CPQ restart.");
    expect(renderPlanComment(summary)).toContain(
      "A write-only secret (`saml_store_pass_wo` or `saml_key_pass_wo`) changed and will be sent to CPQ",
    );
  });

  it("keeps table cells intact when a value holds a pipe or backticks", () => {
    const md = renderPlanComment(
      summarizePlan(plan([ssoChange(base, { ...base, saml_attribute_name: "a|b`c" })])),
    );
    const row = md.split("\n").find((l) => l.includes("saml_attribute_name") && l.startsWith("|"))!;
    expect(row).toBe('| `saml_attribute_name` | `null` | ``"a\\|b`c"`` |  |');
    // Five cell borders: an escaped pipe does not split the cell.
    expect(row.replace(/\\\|/g, "").split("|")).toHaveLength(6);
  });

  it("opens with a hidden marker naming the stack, by which a workflow finds its earlier comment", () => {
    expect(renderPlanComment(summarizePlan(plan([])), { stack: "prod-eu" })).toMatch(
      /^<!-- cpq-sso-plan stack=prod-eu -->\n### /,
    );
    expect(renderPlanComment(summarizePlan(plan([])))).toMatch(
      /^<!-- cpq-sso-plan stack=default -->\n### /,
    );
  });

  it("refuses a stack name that could end the marker's HTML comment or break an output line", () => {
    for (const bad of ["a -->", "x\ny", "", "a b"])
      expect(() => renderPlanComment(summarizePlan(plan([])), { stack: bad })).toThrow("--stack");
  });

  it("does not badge a URL change as needing a restart", () => {
    const summary = summarizePlan(
      plan([ssoChange(base, { ...base, saml_logout_url: "https://idp.example.com/b" })]),
    );
    expect(summary.restartLikely).toBe(false);
    expect(summary.verdict).toBe("1 to change.");
  });

  it("notes a certificate roll with its subject change and fingerprint", () => {
    const summary = summarizePlan(
      plan([ssoChange(base, { ...base, id_provider_certificate: ROLLED })]),
    );
    const roll = summary.certificates.find((c) => c.message.includes("subject changes"))!;
    expect(roll.message).toContain("subject changes from CN=idp.example.com");
    expect(roll.message).toMatch(/SHA-256 ([0-9A-F]{2}:)+/);
    expect(roll.severity).toBe("warning");
    expect(roll.kind).toBe("subject-changed");
    expect(renderPlanComment(summary)).toMatch(
      /subject changes from `CN=idp\.example\.com, O=Example IdP` to `CN=idp2\.example\.com, O=Example IdP`: SHA-256 `([0-9A-F]{2}:)+/,
    );
  });

  it("says no changes when there are none", () => {
    expect(summarizePlan(plan([])).verdict).toBe("No changes: CPQ matches the configuration.");
  });

  it("stays under GitHub's comment limit for a huge plan, and says it was shortened", () => {
    const many = Array.from({ length: 3000 }, (_, i) => ({
      address: `cpq_user_integration_login.u${i}`,
      type: "cpq_user_integration_login",
      name: `u${i}`,
      change: {
        actions: ["create"],
        before: null,
        after: { login: `user-${i}@example.com`, tab: "crm", party_number: String(i) },
        after_unknown: { id: true },
      },
    }));
    const md = renderPlanComment(summarizePlan(plan(many)));
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md).toContain("shortened");
    expect(md).toContain("more resources not shown");
  });

  it("refuses input that is not a plan, saying what to give", () => {
    expect(() => parsePlanJson("{}")).toThrow("terraform show -json");
    expect(() => parsePlanJson("not json")).toThrow("not JSON");
  });
});

describe("restart flags after apply", () => {
  it("reads them from terraform output -json", () => {
    expect(
      restartFlags(JSON.stringify({ sso_restart_required: { value: true, sensitive: false } })),
    ).toMatchObject({
      restartRequired: true,
      sources: ["sso_restart_required"],
    });
    expect(
      restartFlags(JSON.stringify({ sso_restart_required: { value: false } })).restartRequired,
    ).toBe(false);
  });

  it("reads them from the state file itself", () => {
    const state = {
      version: 4,
      resources: [
        {
          mode: "managed",
          type: "cpq_sso_configuration",
          name: "sso",
          instances: [{ attributes: { restart_required: true } }],
        },
      ],
    };
    expect(restartFlags(JSON.stringify(state)).sources).toEqual(["cpq_sso_configuration.sso"]);
  });

  it("refuses input that is not JSON, naming what to give", () => {
    expect(() => restartFlags("Error: no outputs")).toThrow("terraform output -json");
  });

  it("counts a restart still pending whatever the applied plan changed, since restart_required stays true until acknowledged", () => {
    const state = JSON.stringify({
      values: {
        root_module: {
          resources: [
            {
              address: "cpq_sso_configuration.sso",
              mode: "managed",
              type: "cpq_sso_configuration",
              values: {
                restart_required: true,
                restart_pending_since: "2026-12-07T03:00:00.000Z",
                restart_pending_reason: "CPQ asked for a restart after a change of sso_method",
              },
            },
          ],
        },
      },
    });
    const settings = { sso_method: "None", restart_required: true };
    const unchanged = ssoChange(settings, settings);
    unchanged.change.actions = ["no-op"];
    expect(restartFlags(state, plan([unchanged]))).toEqual({
      restartRequired: true,
      sources: ["cpq_sso_configuration.sso"],
      pending: [
        {
          address: "cpq_sso_configuration.sso",
          since: "2026-12-07T03:00:00.000Z",
          reason: "CPQ asked for a restart after a change of sso_method",
        },
      ],
    });
  });

  it("reads them from terraform show -json of the state", () => {
    const state = {
      values: {
        root_module: {
          resources: [
            {
              address: "cpq_sso_configuration.sso",
              type: "cpq_sso_configuration",
              values: { restart_required: true },
            },
          ],
        },
      },
    };
    expect(restartFlags(JSON.stringify(state))).toMatchObject({
      restartRequired: true,
      sources: ["cpq_sso_configuration.sso"],
    });
  });
});

describe("drift report", () => {
  it("lists declared against live for each drifted attribute, masking secrets", () => {
    const report = driftReport(
      plan([
        ssoChange({ ...base(), saml_idp_url: "https://evil.example.com" }, base(), {
          restart_required: true,
        }),
      ]),
    );
    expect(report.inSync).toBe(false);
    expect(report.drift).toBe(true);
    expect(report.certificateExpiring).toBe(false);
    expect(report.resources[0]!.attributes).toEqual([
      {
        attribute: "saml_idp_url",
        declared: '"https://idp.example.com"',
        live: '"https://evil.example.com"',
        liveFrom: "cpq",
        changedOutsideTerraform: false,
      },
    ]);
    expect(driftText(report)).toContain(
      'saml_idp_url: declared "https://idp.example.com", live "https://evil.example.com"',
    );
    expect(JSON.stringify(report) + driftText(report)).not.toContain(CANARY_PASS);
  });

  it("marks attributes Terraform saw change outside Terraform", () => {
    const drifted = ssoChange(base(), { ...base(), saml_idp_url: "https://evil.example.com" });
    const report = driftReport(
      parsePlanJson(
        JSON.stringify({
          format_version: "1.2",
          resource_drift: [drifted],
          resource_changes: [
            ssoChange({ ...base(), saml_idp_url: "https://evil.example.com" }, base()),
          ],
        }),
      ),
    );
    expect(report.resources[0]!.attributes[0]!.changedOutsideTerraform).toBe(true);
    expect(driftText(report)).toContain("(changed outside Terraform)");
  });

  it("marks every attribute of a login deleted outside Terraform as changed outside it", () => {
    const login = {
      address: "cpq_user_integration_login.jdoe_idp",
      type: "cpq_user_integration_login",
      name: "jdoe_idp",
      mode: "managed",
    };
    const before = { id: "1001/idp", party_number: "1001", tab: "idp", login: "jdoe@idcs" };
    const report = driftReport(
      parsePlanJson(
        JSON.stringify({
          format_version: "1.2",
          resource_drift: [{ ...login, change: { actions: ["delete"], before, after: null } }],
          resource_changes: [
            { ...login, change: { actions: ["create"], before: null, after: before } },
          ],
        }),
      ),
    );
    expect(report.resources[0]!.action).toBe("create");
    const attributes = report.resources[0]!.attributes;
    expect(attributes.length).toBeGreaterThan(0);
    expect(attributes.every((a) => a.changedOutsideTerraform)).toBe(true);
  });

  it("says a password is compared with the last apply, since CPQ never returns it", () => {
    const report = driftReport(
      plan([ssoChange(base(), { ...base(), saml_store_pass: "other-canary-value" })]),
    );
    const a = report.resources[0]!.attributes[0]!;
    expect(a).toMatchObject({ attribute: "saml_store_pass", liveFrom: "last-apply" });
    expect(a.declared).toBe("(sensitive)");
    expect(JSON.stringify(report)).not.toContain("other-canary-value");
  });

  it("reports a write-only secret that differs from the last apply, though the plan cannot show it", () => {
    const report = driftReport(
      plan([ssoChange(base(), { ...base(), restart_required: null }, { restart_required: true })]),
    );
    expect(report.drift).toBe(true);
    expect(report.resources[0]!.attributes[0]!.attribute).toBe("(a write-only secret)");
  });

  it("flags a certificate that expires within the threshold apart from drift", () => {
    const soon = new Date(Date.now() + 5 * 86_400_000).toISOString();
    const noop = { ...ssoChange({ certificate_not_after: soon }, { certificate_not_after: soon }) };
    noop.change.actions = ["no-op"];
    const report = driftReport(plan([noop]), 30);
    expect(report.certificateExpiring).toBe(true);
    expect(report.drift).toBe(false);
    expect(report.inSync).toBe(false);
    const text = driftText(report);
    expect(text).toContain("No drift: CPQ matches the declared configuration.");
    expect(text).toContain("Certificate expiring (within 30 days):");
    expect(text).toContain("expires in 5 days");
    expect(driftReport(plan([noop]), 3).inSync).toBe(true);
  });

  it("counts a failed check block of the configuration like drift, with its message", () => {
    const withChecks = (status: string) =>
      parsePlanJson(
        JSON.stringify({
          format_version: "1.2",
          resource_changes: [],
          checks: [
            {
              address: { kind: "check", name: "idp", to_display: "check.idp" },
              status,
              instances: [
                {
                  address: { to_display: "check.idp" },
                  status,
                  problems:
                    status === "fail" ? [{ message: "The IdP certificate expires soon." }] : [],
                },
              ],
            },
          ],
        }),
      );
    const failed = driftReport(withChecks("fail"));
    expect(failed).toMatchObject({ inSync: false, drift: false, checksFailed: true });
    expect(failed.checks).toEqual([
      { address: "check.idp", messages: ["The IdP certificate expires soon."] },
    ]);
    expect(driftText(failed)).toContain(
      "Checks failed in the configuration:\n  check.idp: The IdP certificate expires soon.",
    );
    expect(driftReport(withChecks("pass"))).toMatchObject({ inSync: true, checksFailed: false });
    expect(driftReport(withChecks("unknown")).inSync).toBe(true);
  });

  it("says in sync when nothing differs", () => {
    const report = driftReport(plan([]));
    expect(report).toMatchObject({ inSync: true, drift: false, certificateExpiring: false });
    expect(driftText(report)).toMatch(/^In sync: /);
  });

  function base() {
    return { saml_idp_url: "https://idp.example.com", saml_store_pass: CANARY_PASS };
  }
});

describe("a destroy that switches SSO off", () => {
  const destroy = (behavior: "disable" | "retain") => ({
    address: "cpq_sso_configuration.sso",
    type: "cpq_sso_configuration",
    name: "sso",
    mode: "managed",
    change: {
      actions: ["delete"],
      before: {
        id: "sso",
        sso_method: "Federated Authentication",
        destroy_behavior: behavior,
        restart_required: false,
      },
      after: null,
      after_unknown: {},
      before_sensitive: {},
      after_sensitive: false,
    },
  });

  it("gets the restart badge in the destroy plan's comment, and a retain destroy does not", () => {
    const off = summarizePlan(plan([destroy("disable")]));
    expect(off.restartLikely).toBe(true);
    expect(off.verdict).toBe("1 to destroy; may need a CPQ restart.");
    expect(renderPlanComment(off)).toContain("SSO is switched off");
    const kept = summarizePlan(plan([destroy("retain")]));
    expect(kept.restartLikely).toBe(false);
    expect(renderPlanComment(kept)).toContain("CPQ keeps its settings");
  });

  it("counts as a restart after the apply, read from the applied plan since no state is left", () => {
    const emptyState = JSON.stringify({ values: { root_module: { resources: [] } } });
    expect(restartFlags(emptyState, plan([destroy("disable")]))).toMatchObject({
      restartRequired: true,
      sources: ["cpq_sso_configuration.sso (destroyed: SSO switched off)"],
    });
    expect(restartFlags(emptyState, plan([destroy("retain")])).restartRequired).toBe(false);
  });
});

describe("a tab of logins as one resource in the plan report and the drift report", () => {
  const tabChange = (before: Record<string, string> | null, after: Record<string, string>) => ({
    address: "cpq_user_integration_logins.idp",
    type: "cpq_user_integration_logins",
    name: "idp",
    change: {
      actions: [before === null ? "create" : "update"],
      before: before === null ? null : { id: "idp", tab: "idp", logins: before, partner: "IdP" },
      after: { id: "idp", tab: "idp", logins: after, partner: "IdP" },
      after_unknown: {},
      // As terraform show -json writes them: a map with no sensitive entry is an empty object.
      before_sensitive: before === null ? false : { logins: {} },
      after_sensitive: { logins: {} },
    },
  });
  const users = (n: number, suffix = "") =>
    Object.fromEntries(
      Array.from({ length: n }, (_, i) => [`user${i + 1}`, `user${i + 1}@idp${suffix}`]),
    );

  it("shows each changed entry by its key, never the whole map", () => {
    const before = users(3);
    const after = { ...before, user2: "renamed@idp", user4: "new@idp" };
    delete (after as Record<string, string>).user3;
    const [r] = summarizePlan(plan([tabChange(before, after)])).resources;
    expect(r!.changes).toEqual([
      expect.objectContaining({
        attribute: 'logins["user2"]',
        before: '"user2@idp"',
        after: '"renamed@idp"',
      }),
      expect.objectContaining({
        attribute: 'logins["user3"]',
        before: '"user3@idp"',
        after: "(none)",
      }),
      expect.objectContaining({
        attribute: 'logins["user4"]',
        before: "(none)",
        after: '"new@idp"',
      }),
    ]);
    const md = renderPlanComment(summarizePlan(plan([tabChange(before, after)])));
    expect(md).toContain("`logins`: 1 login added, 1 login changed, 1 login removed.");
    expect(md).toContain('| `logins["user4"]` | _(none)_ | `"new@idp"` |  |');
    expect(md).not.toContain("may need a CPQ restart");
  });

  it("masks the entries Terraform flags sensitive, and only those", () => {
    const change = tabChange(users(2), { user1: "a@idp", user2: "b@idp" });
    change.change.after_sensitive = { logins: { user2: true } } as never;
    const [r] = summarizePlan(plan([change])).resources;
    expect(r!.changes).toEqual([
      expect.objectContaining({ attribute: 'logins["user1"]', after: '"a@idp"', sensitive: false }),
      expect.objectContaining({
        attribute: 'logins["user2"]',
        after: "(sensitive)",
        sensitive: true,
      }),
    ]);
    expect(r!.after.logins).toBe("(sensitive)");
  });

  it("stays under GitHub's limit at 10,000 changed entries: counts, then the first changes", () => {
    const md = renderPlanComment(
      summarizePlan(plan([tabChange(users(10_000), users(10_000, "-v2"))])),
    );
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md).toContain("`logins`: 10,000 logins changed.");
    expect(md).toContain('`logins["user1"]`');
    expect(md).toContain("…and 9,950 more entries");
    expect(md).not.toContain("not shown");
  });

  it("lists in the full plan every entry the tables leave out, as their note promises (the full plan showed the map cut at 200 characters)", () => {
    const md = renderPlanComment(summarizePlan(plan([tabChange(users(60), users(60, "-v2"))])));
    expect(md).toContain("…and 10 more entries; the full plan below lists them.");
    const full = md.slice(md.indexOf("<summary>Full plan"));
    for (let i = 1; i <= 60; i++) {
      expect(full).toContain(`~ logins["user${i}"] = "user${i}@idp" -> "user${i}@idp-v2"`);
    }
  });

  it("reports drift of one entry by its key", () => {
    const report = driftReport(plan([tabChange(users(3), { ...users(3), user1: "declared@idp" })]));
    expect(report.resources[0]!.attributes).toEqual([
      expect.objectContaining({
        attribute: 'logins["user1"]',
        declared: '"declared@idp"',
        live: '"user1@idp"',
        liveFrom: "cpq",
      }),
    ]);
  });
});
