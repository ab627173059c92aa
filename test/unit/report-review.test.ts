import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cpqProvider } from "../../provider/provider";
import { parseCertificate } from "../../provider/saml/certificate";
import { parsePlanJson } from "../../provider/cli/plan-json";
import { REPLACED_LIVE_VALUES } from "../../provider/contract/live-values";
import { LOCKOUT_RISK } from "../../provider/cpq/lockout";
import {
  RISK_LABELS,
  githubOutputs,
  renderPlanComment,
  summarizePlan,
} from "../../provider/cli/report";
import { ssoSwitchedOff } from "../../provider/cli/restart";
import { HOSTILE_VALUES, LEAK_MARKERS, outsideCode, tableCells } from "../support/markdown-inert";

const FIXTURES = join(__dirname, "..", "fixtures");
const CERT = readFileSync(join(FIXTURES, "idp-cert.pem"), "utf8");
const HOSTILE_CERT = readFileSync(join(FIXTURES, "idp-cert-hostile-subject.pem"), "utf8");

const plan = (changes: unknown[], extra: Record<string, unknown> = {}) =>
  parsePlanJson(JSON.stringify({ format_version: "1.2", resource_changes: changes, ...extra }));

/** A resource change as `terraform show -json` writes it. */
function rc(
  type: string,
  name: string,
  actions: string[],
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  more: Record<string, unknown> = {},
  change: Record<string, unknown> = {},
) {
  return {
    address: `${type}.${name}`,
    type,
    name,
    mode: "managed",
    ...more,
    change: { actions, before, after, after_unknown: {}, ...change },
  };
}

const logins = (n: number, prefix = "user") =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, `${prefix}${i}@idp`]));

/**
 * A plausible state of each registered resource type, from its table: a value in every attribute
 * but the two that describe a plan's risks (contracts A and B), which a settled state holds empty.
 */
function stateOf(type: string): Record<string, unknown> {
  const def = cpqProvider.resources().find((r) => r.typeName === type)!;
  const state: Record<string, unknown> = {};
  for (const a of def.attributes) {
    if (a.name === REPLACED_LIVE_VALUES || a.name === LOCKOUT_RISK) {
      state[a.name] = a.name === LOCKOUT_RISK ? null : {};
      continue;
    }
    state[a.name] =
      typeof a.type === "object"
        ? "map" in a.type
          ? logins(3)
          : []
        : a.type === "bool"
          ? false
          : a.type === "number"
            ? 1
            : `${a.name}-value`;
  }
  return state;
}

describe("the report describes every resource the provider registers", () => {
  const types = cpqProvider.resources().map((r) => r.typeName);

  it("knows the four resources, cpq_user_sso among them", () => {
    expect(types).toEqual(
      expect.arrayContaining([
        "cpq_sso_configuration",
        "cpq_user_integration_login",
        "cpq_user_integration_logins",
        "cpq_user_sso",
      ]),
    );
  });

  it.each(types)("says what a destroy of %s does in CPQ, in its definition's words", (type) => {
    const def = cpqProvider.resources().find((r) => r.typeName === type)!;
    const before = stateOf(type);
    const effect = def.review.destroy(before);
    expect(effect.text.length).toBeGreaterThan(20);
    const summary = summarizePlan(plan([rc(type, "x", ["delete"], before, null)]));
    const md = renderPlanComment(summary);
    expect(md).toContain(`\`${type}.x\` will be destroyed`);
    expect(md).toContain(effect.text);
    expect(summary.resources[0]!.destroy).toEqual(effect);
    expect(summary.labels).toContain("destroys");
    expect(summary.verdict).toMatch(/^1 to destroy/);
  });

  it.each(types)("names the entries of every map attribute of %s", (type) => {
    const def = cpqProvider.resources().find((r) => r.typeName === type)!;
    for (const a of def.attributes.filter((x) => typeof x.type === "object" && "map" in x.type)) {
      // The contract attribute of adopting creates is shown as "before" values, not counted.
      if (a.name === "replaced_live_values") continue;
      expect({ attribute: a.name, noun: def.review.entries?.[a.name] }).toEqual({
        attribute: a.name,
        noun: expect.objectContaining({ one: expect.any(String), many: expect.any(String) }),
      });
    }
  });

  it.each(types)("words each action on %s as Terraform's plan does", (type) => {
    const s = stateOf(type);
    const changed = { ...s, id: "changed-id" };
    const cases: [unknown, string][] = [
      [rc(type, "a", ["create"], null, s), "will be created"],
      [rc(type, "a", ["update"], s, changed), "will be updated in place"],
      [rc(type, "a", ["delete", "create"], s, changed), "will be replaced"],
      [rc(type, "a", ["create", "delete"], s, changed), "will be replaced"],
      [
        rc(type, "a", ["no-op"], s, s, {}, { importing: { id: "the-id" } }),
        "will be imported (id `the-id`)",
      ],
      [
        rc(type, "a", ["no-op"], s, s, { previous_address: `${type}.old` }),
        `has moved from \`${type}.old\``,
      ],
    ];
    for (const [change, words] of cases) {
      expect(renderPlanComment(summarizePlan(plan([change])))).toContain(`\`${type}.a\` ${words}`);
    }
    const forgotten = summarizePlan(plan([rc(type, "a", ["forget"], s, null)]));
    expect(forgotten.verdict).toBe("1 to forget.");
    expect(forgotten.labels).toEqual([]);
    expect(renderPlanComment(forgotten)).toContain(
      `\`${type}.a\` will be removed from the state; CPQ keeps it as it is`,
    );
    // A plain no-op is not listed at all.
    expect(summarizePlan(plan([rc(type, "a", ["no-op"], s, s)])).resources).toEqual([]);
  });

  it("says a replace destroys first, with the destroy's effect, and counts it as destroying", () => {
    const s = stateOf("cpq_user_integration_login");
    const summary = summarizePlan(
      plan([rc("cpq_user_integration_login", "a", ["delete", "create"], s, { ...s, tab: "erp" })]),
    );
    expect(summary.changes.replace).toBe(1);
    expect(summary.labels).toEqual(["destroys"]);
    expect(renderPlanComment(summary)).toContain(
      "The login is removed from the user's integration tab",
    );
  });

  it("lists a data source read during apply, and not one read during plan", () => {
    const read = {
      address: "data.cpq_users.all",
      type: "cpq_users",
      name: "all",
      mode: "data",
      change: { actions: ["read"], before: null, after: {}, after_unknown: { users: true } },
    };
    const summary = summarizePlan(plan([read]));
    expect(summary.verdict).toBe("1 to read.");
    expect(renderPlanComment(summary)).toContain("`data.cpq_users.all` will be read during apply");
    expect(
      summarizePlan(plan([{ ...read, change: { ...read.change, actions: ["no-op"] } }])).resources,
    ).toEqual([]);
  });
});

describe("the verdict and summary.json count imports, moves and map entries", () => {
  it("counts an import plan's imports in the verdict and summary, not as '1 to change.'", () => {
    const sso = stateOf("cpq_sso_configuration");
    const userSso = stateOf("cpq_user_sso");
    const imported = (
      type: string,
      name: string,
      s: Record<string, unknown>,
      id: string,
      actions = ["no-op"],
      after = s,
    ) => rc(type, name, actions, s, after, {}, { importing: { id } });
    const summary = summarizePlan(
      plan([
        imported("cpq_sso_configuration", "sso", sso, "sso"),
        imported(
          "cpq_user_integration_login",
          "jdoe",
          stateOf("cpq_user_integration_login"),
          "jdoe/crm",
        ),
        imported(
          "cpq_user_integration_logins",
          "idp",
          stateOf("cpq_user_integration_logins"),
          "idp",
        ),
        imported("cpq_user_sso", "jdoe", userSso, "1001", ["update"], {
          ...userSso,
          enabled_for_sso: true,
        }),
      ]),
    );
    expect(summary.verdict).toBe("4 to import, 1 to change.");
    expect(summary.changes).toEqual({
      import: 4,
      add: 0,
      change: 1,
      replace: 0,
      destroy: 0,
      move: 0,
      read: 0,
      forget: 0,
    });
    expect(summary.resources.map((r) => r.importing?.id)).toEqual([
      "sso",
      "jdoe/crm",
      "idp",
      "1001",
    ]);
    const md = renderPlanComment(summary);
    expect(md).toContain("### 📝 CPQ SSO plan: 4 to import, 1 to change.");
    expect(md).toContain(
      "`cpq_user_sso.jdoe` will be imported (id `1001`), then will be updated in place",
    );
    expect(summary.labels).toEqual([]);
  });

  it("counts moves", () => {
    const s = stateOf("cpq_user_sso");
    const summary = summarizePlan(
      plan([rc("cpq_user_sso", "new", ["no-op"], s, s, { previous_address: "cpq_user_sso.old" })]),
    );
    expect(summary.verdict).toBe("1 to move.");
    expect(summary.changes.move).toBe(1);
    expect(summary.resources[0]!.movedFrom).toBe("cpq_user_sso.old");
  });

  it("counts a 500-login tab's logins: '500 logins added' on create, '500 logins removed' on destroy", () => {
    const tab = {
      id: "idp",
      tab: "idp",
      logins: logins(500),
      partner: "IdP",
      key_by: null,
      exclusive: null,
    };
    const created = summarizePlan(
      plan([rc("cpq_user_integration_logins", "idp", ["create"], null, tab)]),
    );
    expect(created.verdict).toBe("1 to add (500 logins added).");
    expect(created.entries).toEqual({ added: 500, changed: 0, removed: 0 });
    const md = renderPlanComment(created);
    expect(md).toContain("- `cpq_user_integration_logins.idp` will be created: 500 logins added");
    expect(md).toContain("`logins`: 500 logins added.");
    expect(md).toContain("…and 450 more entries");

    const destroyed = summarizePlan(
      plan([rc("cpq_user_integration_logins", "idp", ["delete"], tab, null)]),
    );
    expect(destroyed.verdict).toBe("1 to destroy (500 logins removed).");
    expect(destroyed.resources[0]!.entries).toEqual({
      logins: { added: 0, changed: 0, removed: 500 },
    });
    expect(renderPlanComment(destroyed)).toContain("`logins`: 500 logins removed.");
  });

  it("counts the logins turning exclusive on removes, and flags them as removals", () => {
    // The plan that turns exclusive on: the tab's other logins leave unmanaged_logins.
    const before = {
      id: "idp",
      tab: "idp",
      logins: logins(2),
      unmanaged_logins: { bwayne: "bwayne@idp", ckent: "ckent@idp" },
      exclusive: null,
    };
    const after = { ...before, unmanaged_logins: {}, exclusive: true };
    const summary = summarizePlan(
      plan([rc("cpq_user_integration_logins", "idp", ["update"], before, after)]),
    );
    expect(summary.entries).toEqual({ added: 0, changed: 0, removed: 2 });
    expect(summary.verdict).toBe("1 to change (2 logins removed).");
    expect(summary.labels).toEqual(["destroys"]);
    const md = renderPlanComment(summary);
    expect(md).toContain("2 logins removed from `cpq_user_integration_logins.idp`");
    expect(md).toContain("`unmanaged_logins`: 2 logins removed.");
    expect(md).toContain('| `unmanaged_logins["bwayne"]` | `"bwayne@idp"` | _(none)_ | removed |');
  });

  it("does not count a login leaving unmanaged_logins without exclusive, nor one appearing there", () => {
    // bwayne is now declared in logins; dpark made a login outside Terraform: CPQ loses nothing.
    const before = {
      id: "idp",
      tab: "idp",
      logins: logins(1),
      unmanaged_logins: { bwayne: "bwayne@idp" },
      exclusive: null,
    };
    const after = {
      ...before,
      logins: { ...logins(1), bwayne: "bwayne@idp" },
      unmanaged_logins: { dpark: "dpark@idp" },
    };
    const summary = summarizePlan(
      plan([rc("cpq_user_integration_logins", "idp", ["update"], before, after)]),
    );
    expect(summary.entries).toEqual({ added: 1, changed: 0, removed: 0 });
    expect(summary.verdict).toBe("1 to change (1 login added).");
    expect(summary.labels).toEqual([]);
    expect(renderPlanComment(summary)).toContain(
      '| `unmanaged_logins["bwayne"]` | `"bwayne@idp"` | _(none)_ | no longer tracked; stays in CPQ |',
    );
  });

  it("counts a listed login removed from logins, and a destroy's logins but not the tab's others", () => {
    const before = {
      id: "idp",
      tab: "idp",
      logins: logins(3),
      unmanaged_logins: { bwayne: "bwayne@idp" },
      exclusive: null,
    };
    const dropped = summarizePlan(
      plan([
        rc("cpq_user_integration_logins", "idp", ["update"], before, {
          ...before,
          logins: logins(2),
        }),
      ]),
    );
    expect(dropped.verdict).toBe("1 to change (1 login removed).");
    expect(dropped.labels).toEqual(["destroys"]);
    const destroyed = summarizePlan(
      plan([rc("cpq_user_integration_logins", "idp", ["delete"], before, null)]),
    );
    expect(destroyed.resources[0]!.entries).toEqual({
      logins: { added: 0, changed: 0, removed: 3 },
    });
    expect(destroyed.verdict).toBe("1 to destroy (3 logins removed).");
  });
});

describe("risk flags: badges on top of the comment, labels in summary.json and GITHUB_OUTPUT", () => {
  const sso = {
    sso_method: "Federated Authentication",
    saml_idp_url: "https://new-idp.example.com/sso",
    id_provider_certificate: CERT,
    saml_store_pass: "canary-never-shown-71",
    restart_required: null,
  };

  it("shows a create's replaced live values as the before of its rows, and flags it", () => {
    const summary = summarizePlan(
      plan([
        rc(
          "cpq_sso_configuration",
          "sso",
          ["create"],
          null,
          {
            ...sso,
            replaced_live_values: {
              saml_idp_url: "https://old-idp.example.com/sso",
              saml_store_pass: "(sensitive)",
            },
          },
          {},
          { after_unknown: { restart_required: true } },
        ),
      ]),
    );
    expect(summary.labels).toEqual(["restart-required", "replaces-live-settings"]);
    const [r] = summary.resources;
    expect(r!.replacedLiveValues).toEqual({
      saml_idp_url: "https://old-idp.example.com/sso",
      saml_store_pass: "(sensitive)",
    });
    const md = renderPlanComment(summary);
    expect(md).toContain("♻️ **Replaces live settings**");
    expect(md).toContain(
      '| `saml_idp_url` | `https://old-idp.example.com/sso` | `"https://new-idp.example.com/sso"` | ♻️ replaces the live value |',
    );
    expect(md).toContain("| `saml_store_pass` | _(sensitive)_ | _(sensitive)_ |");
    expect(md).not.toContain("canary-never-shown-71");
    // The contract attribute itself is no row of its own.
    expect(md).not.toContain('`replaced_live_values["');
  });

  it("counts the logins an exclusive create of a tab removes, from its replaced_live_values", () => {
    const summary = summarizePlan(
      plan([
        rc("cpq_user_integration_logins", "idp", ["create"], null, {
          id: "idp",
          tab: "idp",
          exclusive: true,
          logins: { jdoe: "jdoe@new" },
          unmanaged_logins: {},
          replaced_live_values: {
            'logins["jdoe"]': "jdoe@old",
            'unmanaged_logins["bwayne"]': "bwayne@idp",
          },
        }),
      ]),
    );
    expect(summary.verdict).toBe("1 to add (1 login changed, 1 login removed).");
    expect(summary.labels).toEqual(["destroys", "replaces-live-settings"]);
    const md = renderPlanComment(summary);
    expect(md).toContain(
      '| `logins["jdoe"]` | `jdoe@old` | `"jdoe@new"` | ♻️ replaces the live value |',
    );
    expect(md).toContain(
      '| `unmanaged_logins["bwayne"]` | `bwayne@idp` | _(none)_ | ♻️ replaces the live value; removed |',
    );
  });

  it("reports an exclusive create of a 10,000-login tab over 10,000 live logins in linear time", () => {
    const mine = logins(10_000);
    const theirs = logins(10_000, "other");
    const live = {
      ...Object.fromEntries(Object.keys(mine).map((k) => [`logins[${JSON.stringify(k)}]`, "old"])),
      ...Object.fromEntries(
        Object.entries(theirs).map(([k, v]) => [`unmanaged_logins[${JSON.stringify(k)}]`, v]),
      ),
    };
    const p = plan([
      rc("cpq_user_integration_logins", "idp", ["create"], null, {
        id: "idp",
        tab: "idp",
        exclusive: true,
        logins: mine,
        unmanaged_logins: {},
        replaced_live_values: live,
      }),
    ]);
    const start = process.hrtime.bigint();
    const summary = summarizePlan(p);
    const md = renderPlanComment(summary);
    // About 0.3 s on a quiet machine; a row lookup per replaced value made it quadratic.
    expect(Number(process.hrtime.bigint() - start) / 1e6).toBeLessThan(3000);
    expect(summary.entries).toEqual({ added: 0, changed: 10_000, removed: 10_000 });
    expect(md.length).toBeLessThanOrEqual(65_536);
  });

  it("does not flag an empty replaced_live_values", () => {
    const summary = summarizePlan(
      plan([
        rc("cpq_sso_configuration", "sso", ["create"], null, { ...sso, replaced_live_values: {} }),
      ]),
    );
    expect(summary.labels).not.toContain("replaces-live-settings");
  });

  it("flags a planned lockout_risk and shows its reason", () => {
    const s = stateOf("cpq_user_sso");
    const summary = summarizePlan(
      plan([
        rc(
          "cpq_user_sso",
          "admin",
          ["update"],
          { ...s, lockout_risk: null },
          {
            ...s,
            enabled_for_sso: true,
            lockout_risk: "turns SSO on for admin, the user the provider signs in as",
          },
        ),
      ]),
    );
    expect(summary.labels).toEqual(["lockout-risk"]);
    expect(summary.resources[0]!.lockoutRisk).toBe(
      "turns SSO on for admin, the user the provider signs in as",
    );
    const md = renderPlanComment(summary);
    expect(md).toContain("🔒 **Lockout risk**");
    expect(md).toContain(
      "- **Lockout risk**: `cpq_user_sso.admin`: `turns SSO on for admin, the user the provider signs in as`",
    );
  });

  it("flags a certificate expiring within the warning window, and not one outside it", () => {
    const notAfter = Date.parse(parseCertificate(CERT)!.notAfter);
    const s = { ...sso, restart_required: false, saml_store_pass: null };
    const p = plan([
      rc("cpq_sso_configuration", "sso", ["update"], s, {
        ...s,
        saml_idp_url: "https://x.example.com",
      }),
    ]);
    const soon = summarizePlan(p, { now: new Date(notAfter - 10 * 86_400_000) });
    expect(soon.labels).toEqual(["certificate-expiring"]);
    expect(renderPlanComment(soon)).toContain("📅 **Certificate expiring**");
    const later = summarizePlan(p, { now: new Date(notAfter - 40 * 86_400_000) });
    expect(later.labels).toEqual([]);
    const wider = summarizePlan(p, {
      now: new Date(notAfter - 40 * 86_400_000),
      certificateDays: 60,
    });
    expect(wider.labels).toEqual(["certificate-expiring"]);
  });

  it("flags a destroy that switches SSO off as a restart, from the resource's definition", () => {
    const before = { ...sso, destroy_behavior: "disable", sso_method: "Federated Authentication" };
    const p = plan([rc("cpq_sso_configuration", "sso", ["delete"], before, null)]);
    expect(summarizePlan(p).labels).toEqual(["restart-required", "destroys"]);
    expect(ssoSwitchedOff(p)).toEqual(["cpq_sso_configuration.sso"]);
    const retained = plan([
      rc(
        "cpq_sso_configuration",
        "sso",
        ["delete"],
        { ...before, destroy_behavior: "retain" },
        null,
      ),
    ]);
    expect(summarizePlan(retained).labels).toEqual(["destroys"]);
    expect(ssoSwitchedOff(retained)).toEqual([]);
  });

  it("puts the badges before the per-resource summary, and folds the tables and the full plan", () => {
    const before = { ...sso, destroy_behavior: "disable" };
    const md = renderPlanComment(
      summarizePlan(plan([rc("cpq_sso_configuration", "sso", ["delete"], before, null)])),
      { stack: "prod" },
    );
    const lines = md.split("\n");
    expect(lines[0]).toBe("<!-- cpq-sso-plan stack=prod -->");
    expect(lines[1]).toBe("### ⚠️ CPQ SSO plan: 1 to destroy; may need a CPQ restart.");
    expect(lines[3]).toBe("🔄 **Restart required** · 🗑️ **Destroys or removes**");
    expect(md.indexOf("- `cpq_sso_configuration.sso` will be destroyed")).toBeLessThan(
      md.indexOf("<details><summary>Changes per resource</summary>"),
    );
    expect(md.indexOf("#### `cpq_sso_configuration.sso`")).toBeGreaterThan(
      md.indexOf("<details><summary>Changes per resource</summary>"),
    );
  });

  it("writes the labels as GITHUB_OUTPUT lines: the list, one true|false per label, and the marker", () => {
    const before = { ...sso, destroy_behavior: "disable" };
    const summary = summarizePlan(
      plan([rc("cpq_sso_configuration", "sso", ["delete"], before, null)]),
    );
    expect(githubOutputs(summary, "prod")).toBe(
      [
        "labels=restart-required,destroys",
        "restart_required=true",
        "destroys=true",
        "replaces_live_settings=false",
        "certificate_expiring=false",
        "lockout_risk=false",
        "breaks_sign_in=false",
        "marker=<!-- cpq-sso-plan stack=prod -->",
        "",
      ].join("\n"),
    );
    expect(RISK_LABELS).toHaveLength(6);
    expect(githubOutputs(summarizePlan(plan([])))).toMatch(/^labels=\nrestart_required=false\n/);
  });
});

describe("hostile values from CPQ and the plan render inert through the whole comment", () => {
  it("keeps every hostile value inside code: no link, image, mention, HTML or raw control character", () => {
    const hostileLogins = Object.fromEntries(HOSTILE_VALUES.map((v, i) => [v, `${v}#${i}`]));
    const s = stateOf("cpq_user_sso");
    const p = plan(
      [
        rc(
          "cpq_sso_configuration",
          "sso",
          ["update"],
          { ...sso0(), id_provider_certificate: CERT },
          {
            ...sso0(),
            id_provider_certificate: HOSTILE_CERT,
            saml_idp_url: HOSTILE_VALUES[0],
            saml_attribute_name: HOSTILE_VALUES[5],
          },
          {},
          { after_unknown: { restart_required: true } },
        ),
        rc(
          "cpq_user_integration_logins",
          "idp",
          ["update"],
          { id: "idp", tab: "idp", logins: { keep: "k" } },
          {
            id: "idp",
            tab: "idp",
            logins: hostileLogins,
          },
        ),
        rc("cpq_user_integration_login", "x", ["create"], null, {
          ...stateOf("cpq_user_integration_login"),
          login: HOSTILE_VALUES[2],
          replaced_live_values: {
            login: HOSTILE_VALUES[4],
            [HOSTILE_VALUES[1]]: HOSTILE_VALUES[9],
          },
        }),
        rc(
          "cpq_user_sso",
          "admin",
          ["update"],
          s,
          { ...s, enabled_for_sso: true, lockout_risk: HOSTILE_VALUES[10] },
          {},
          { importing: { id: HOSTILE_VALUES[11] } },
        ),
        {
          ...rc("cpq_user_sso", "m", ["no-op"], s, s, {
            previous_address: `cpq_user_sso.m["${HOSTILE_VALUES[3]}"]`,
          }),
          address: `cpq_user_sso.m["${HOSTILE_VALUES[12]}"]`,
        },
      ],
      {
        checks: [
          {
            address: { to_display: "check.idp", kind: "check" },
            status: "fail",
            instances: [
              { status: "fail", problems: HOSTILE_VALUES.map((message) => ({ message })) },
            ],
          },
        ],
      },
    );
    const summary = summarizePlan(p);
    const md = renderPlanComment(summary, { stack: "prod" });
    // The hostile subject did reach the comment, as code.
    expect(md).toContain("[Approve in CPQ](https://evil.example/phish)");
    const rendered = outsideCode(md);
    for (const leak of LEAK_MARKERS)
      expect({ leak, found: rendered.includes(leak) }).toEqual({ leak, found: false });
    // The only HTML is the comment's own: the marker and the folds.
    expect(
      rendered
        .match(/<[^>]*>/g)
        ?.filter((t) => !/^<(\/?details|\/?summary|!-- cpq-sso-plan stack=prod --)>$/.test(t)),
    ).toEqual([]);
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    expect(md).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    // Table rows keep their four cells.
    for (const row of md.split("\n").filter((l) => l.startsWith("| `")))
      expect(tableCells(row)).toHaveLength(6);
  });
});

function sso0(): Record<string, unknown> {
  return {
    sso_method: "Federated Authentication",
    saml_idp_url: "https://idp.example.com/sso",
    restart_required: false,
    destroy_behavior: null,
  };
}

describe("failed checks", () => {
  it("are listed with their messages as code, and a plan with no changes but a failed check is not green", () => {
    const summary = summarizePlan(
      plan([], {
        checks: [
          {
            address: { to_display: "check.idp_certificate", kind: "check" },
            status: "fail",
            instances: [
              { status: "fail", problems: [{ message: "certificate expires in 5 days" }] },
            ],
          },
        ],
      }),
    );
    expect(summary.checks).toEqual([
      { address: "check.idp_certificate", messages: ["certificate expires in 5 days"] },
    ]);
    const md = renderPlanComment(summary);
    expect(md.split("\n")[1]).toBe(
      "### ⚠️ CPQ SSO plan: No changes: CPQ matches the configuration.",
    );
    expect(md).toContain("- `check.idp_certificate`: `certificate expires in 5 days`");
  });
});

describe("breaks-sign-in", () => {
  const idcs = {
    id: "3022910233",
    vendor_name: "IDCS",
    login_endpoint: "https://idcs-1234.identity.oraclecloud.com",
    issuer: "https://identity.oraclecloud.com/",
    client_id: "a1",
    token_endpoint: "/oauth2/v1/token",
    scope: "urn:opc:idm:__myscopes__",
    tab: "idp",
    replaced_live_values: {},
  };

  it.each([
    ["issuer", "https://other.example.com/"],
    ["client_id", "b2"],
    ["token_endpoint", "/oauth2/v2/token"],
  ])(
    "is raised by a change of %s, which the comment names with the change itself",
    (attribute, value) => {
      const summary = summarizePlan(
        plan([rc("cpq_oauth_provider", "idcs", ["update"], idcs, { ...idcs, [attribute]: value })]),
      );
      expect(summary.labels).toEqual(["breaks-sign-in"]);
      const md = renderPlanComment(summary);
      expect(md).toContain("🔑 **Breaks sign-in**");
      expect(md).toContain(
        `- **Breaks sign-in**: \`cpq_oauth_provider.idcs\` changes \`${attribute}\``,
      );
      expect(md).toContain(value);
    },
  );

  it("is not raised by a change users' sign-in does not hang on, nor by a create", () => {
    const scoped = summarizePlan(
      plan([rc("cpq_oauth_provider", "idcs", ["update"], idcs, { ...idcs, scope: "openid" })]),
    );
    expect(scoped.labels).toEqual([]);
    const created = summarizePlan(plan([rc("cpq_oauth_provider", "idcs", ["create"], null, idcs)]));
    expect(created.labels).toEqual([]);
  });
});

describe("docs/ci-recipes.md", () => {
  it("shows the comment exactly as the report renders its sample plan", () => {
    const docs = readFileSync(join(__dirname, "..", "..", "docs", "ci-recipes.md"), "utf8");
    const block =
      /<!-- begin plan-comment sample -->\n\n(`{3,})text\n([\s\S]*?)\n\1\n\n<!-- end plan-comment sample -->/.exec(
        docs,
      );
    expect(block).not.toBeNull();
    const sample = parsePlanJson(readFileSync(join(FIXTURES, "plan-review-sample.json"), "utf8"));
    const rendered = renderPlanComment(
      summarizePlan(sample, { now: new Date("2036-11-01T00:00:00Z") }),
      { stack: "prod" },
    );
    expect(block![2]).toBe(rendered.trimEnd());
    // The sample shows every flag.
    expect(summarizePlan(sample, { now: new Date("2036-11-01T00:00:00Z") }).labels).toEqual([
      ...RISK_LABELS,
    ]);
  });
});
