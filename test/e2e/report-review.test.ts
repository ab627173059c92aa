/**
 * The review comment and summary.json for the plans issue #22 found wrong, made by the real
 * terraform against the simulator and reported by the built `cpq-sso report`: a destroy of each
 * resource type (each in its definition's words), an import plan (imports counted, not "1 to
 * change."), and a tab of 500 logins (counted, not one line).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cpqProvider } from "../../provider/provider";
import type { PlanSummary } from "../../provider/cli/report";
import { E2eFixture } from "../support/e2e-fixture";
import { HOSTILE_VALUES, LEAK_MARKERS, outsideCode } from "../support/markdown-inert";
import type { TfDir } from "../../tooling/tf-dir";
import { cpqProviderConfig, describeWithTerraform } from "./harness";

const CERT = readFileSync(join(__dirname, "..", "fixtures", "idp-cert.pem"), "utf8");
/** A certificate whose subject is a link, an image, a mention, bold text, a fence and a bidi override. */
const HOSTILE_CERT = readFileSync(
  join(__dirname, "..", "fixtures", "idp-cert-hostile-subject.pem"),
  "utf8",
);

/** One resource of each registered type, on the simulator's default users. */
const RESOURCES = {
  cpq_sso_configuration: {
    sso: {
      sso_method: "Federated Authentication",
      saml_idp_url: "https://idp.example.com/saml2/sso",
      id_provider_certificate: CERT,
      saml_user_id_type: "assertionTypeUsername",
      saml_user_id_location: "idLocationSubject",
    },
  },
  cpq_user_integration_login: {
    asmith: { user_login: "asmith", tab: "idp", login: "asmith@idcs.example.com" },
  },
  cpq_user_integration_logins: { idp: { tab: "idp", logins: { jdoe: "jdoe@idcs.example.com" } } },
  cpq_user_sso: { bwayne: { user_login: "bwayne", external_sso_id: "bw-1" } },
  cpq_oauth_provider: {
    idcs: { vendor_name: "IDCS", login_endpoint: "https://idcs-1234.identity.oraclecloud.com" },
  },
};
const IMPORT_IDS: Record<string, string> = {
  "cpq_sso_configuration.sso": "sso",
  "cpq_user_integration_login.asmith": "asmith/idp",
  "cpq_user_integration_logins.idp": "idp",
  "cpq_user_sso.bwayne": "bwayne",
  "cpq_oauth_provider.idcs": "IDCS",
};

describeWithTerraform("the review comment of real plans (real terraform)", () => {
  const fixture = new E2eFixture({ simulator: { generatedUsers: 500 } });

  // Two tests start from one resource of each type applied: the destroy plans from that state,
  // the import plan takes what it made in CPQ. The other tests start from the seed as before.
  const applied = fixture.appliedBaseline({ ...cpqProviderConfig(), resource: RESOURCES });

  /** Saves a plan with `args`, reports it, and returns the comment and summary.json. */
  async function report(ws: TfDir, args: readonly string[] = []) {
    await ws.must(["plan", "-input=false", "-no-color", "-out=tfplan", ...args]);
    const shown = await ws.must(["show", "-json", "tfplan"]);
    writeFileSync(join(ws.dir, "plan.json"), shown.stdout);
    const r = await fixture.cpqSso(
      [
        "report",
        "plan.json",
        "--markdown",
        "comment.md",
        "--json",
        "summary.json",
        "--outputs",
        "outputs",
        "--stack",
        "e2e",
      ],
      { cwd: ws.dir },
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    return {
      comment: readFileSync(join(ws.dir, "comment.md"), "utf8"),
      summary: JSON.parse(readFileSync(join(ws.dir, "summary.json"), "utf8")) as PlanSummary,
      outputs: readFileSync(join(ws.dir, "outputs"), "utf8"),
    };
  }

  it("says what a destroy of each resource type does in CPQ, as its definition says", async () => {
    const ws = await applied(fixture.workspace());
    // What each definition says its destroy does, from the state the destroy starts from.
    const expected = cpqProvider.resources().map((def) => {
      const name = Object.keys(RESOURCES[def.typeName as keyof typeof RESOURCES])[0]!;
      return {
        address: `${def.typeName}.${name}`,
        text: def.review.destroy(ws.stateAttributes(def.typeName, name)).text,
      };
    });
    const { comment, summary, outputs } = await report(ws, ["-destroy"]);

    expect(summary.verdict).toBe("5 to destroy (1 login removed).");
    expect(summary.changes.destroy).toBe(5);
    expect(summary.labels).toEqual(["destroys"]);
    expect(outputs).toContain("labels=destroys\n");
    expect(outputs).toContain("destroys=true\n");
    expect(comment.split("\n")[0]).toBe("<!-- cpq-sso-plan stack=e2e -->");
    for (const { address, text } of expected) {
      const r = summary.resources.find((x) => x.address === address);
      expect({ address, action: r?.action, text: r?.destroy?.text }).toEqual({
        address,
        action: "delete",
        text,
      });
      expect(comment).toContain(`#### \`${address}\` will be destroyed\n\n${text}`);
    }
    // The wrong sentence of #22: a user's SSO settings are not "removed from the integration tab".
    const userSso = summary.resources.find((x) => x.type === "cpq_user_sso")!;
    expect(userSso.destroy?.text).toContain("CPQ keeps them");
    expect(userSso.destroy?.changesCpq).toBe(false);
  });

  it("counts an import plan's imports in the verdict and summary.json", async () => {
    // CPQ holds the resources, as the baseline's apply from another workspace made them; the
    // workspace below has no state of them.
    await fixture.sim.restore();

    // An import of the tab takes every login on it, asmith's too: the map lists it, so that the
    // plan imports without removing it.
    const ws = fixture.workspace();
    ws.write({
      ...cpqProviderConfig(),
      import: Object.entries(IMPORT_IDS).map(([to, id]) => ({ to, id })),
      resource: {
        ...RESOURCES,
        cpq_user_integration_logins: {
          idp: {
            tab: "idp",
            logins: { jdoe: "jdoe@idcs.example.com", asmith: "asmith@idcs.example.com" },
          },
        },
      },
    });
    await ws.init();
    const { comment, summary } = await report(ws);
    expect(summary.changes.import).toBe(5);
    expect(summary.verdict).toBe("5 to import.");
    expect(comment.split("\n")[1]).toBe(`### 📝 CPQ SSO plan: ${summary.verdict}`);
    for (const [address, id] of Object.entries(IMPORT_IDS)) {
      expect(summary.resources.find((r) => r.address === address)?.importing).toEqual({ id });
      expect(comment).toContain(`- \`${address}\` will be imported (id \`${id}\`)`);
    }
  });

  it("counts a 500-login tab's logins in the verdict and the comment", async () => {
    const ws = fixture.workspace();
    const logins = Object.fromEntries(
      Array.from({ length: 500 }, (_, i) => {
        const login = `user${String(i + 1).padStart(5, "0")}`;
        return [login, `${login}@idcs.example.com`];
      }),
    );
    ws.write({
      ...cpqProviderConfig(),
      resource: { cpq_user_integration_logins: { big: { tab: "idp", logins } } },
    });
    await ws.init();
    const { comment, summary } = await report(ws);
    expect(summary.verdict).toBe("1 to add (500 logins added).");
    expect(summary.entries).toEqual({ added: 500, changed: 0, removed: 0 });
    expect(comment).toContain(
      "- `cpq_user_integration_logins.big` will be created: 500 logins added",
    );
    expect(comment).toContain("`logins`: 500 logins added.");
    expect(comment).toContain("…and 450 more entries");
  });

  it("keeps the live values of a hostile CPQ inert in the comment of the plan that imports and replaces them", async () => {
    // Set in CPQ by someone else: a certificate with a hostile subject and hostile URLs.
    await fixture.sim.postSso({
      ssoMethod: "Federated Authentication",
      samlIdpUrl: `https://idp.example.com/${HOSTILE_VALUES[0]}`,
      samlLogoutUrl: `https://idp.example.com/${HOSTILE_VALUES[9]}`,
      idProviderCertificate: HOSTILE_CERT,
    });
    const ws = fixture.workspace();
    ws.write({
      ...cpqProviderConfig(),
      import: [{ to: "cpq_sso_configuration.sso", id: "sso" }],
      resource: {
        cpq_sso_configuration: {
          sso: {
            ...RESOURCES.cpq_sso_configuration.sso,
            saml_logout_url: "https://idp.example.com/bye",
          },
        },
      },
    });
    await ws.init();
    const { comment, summary } = await report(ws);
    expect(summary.changes.import).toBe(1);
    // The hostile values did reach the comment: as the before of the rows and the old subject.
    expect(comment).toContain("[Approve in CPQ](https://evil.example/phish)");
    expect(comment).toContain("\\u202egnp.exe");
    const rendered = outsideCode(comment);
    for (const leak of LEAK_MARKERS)
      expect({ leak, found: rendered.includes(leak) }).toEqual({ leak, found: false });
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    expect(comment).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202a-\u202e\u2066-\u2069]/);
  });
});
