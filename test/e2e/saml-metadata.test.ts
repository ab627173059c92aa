// Both halves of SAML through the real terraform and the installed provider against the
// simulator: examples/saml-metadata (HCL and CDKTF) planned and applied; a new signing
// certificate in the IdP metadata file plans exactly that change, which `cpq-sso report` flags as
// needing a restart; a rollover warns in the plan; Shibboleth's two keys, one chosen by
// fingerprint, plan and drift clean; hostile metadata fails the plan with a clear
// error, fast; and the docs pages' function.tf and data-source.tf snippets plan.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { E2eFixture } from "../support/e2e-fixture";
import { synthExample } from "../support/synth-example";
import type { TfDir } from "../../tooling/tf-dir";
import { describeWithTerraform } from "./harness";

const ROOT = join(__dirname, "..", "..");
const EXAMPLES = join(ROOT, "examples");
const FIXTURES = join(ROOT, "test", "fixtures");

const base64Of = (pemFile: string) =>
  readFileSync(join(FIXTURES, pemFile), "utf8")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("-----"))
    .join("");
const OLD_CERT = base64Of("idp-cert.pem");
const NEW_CERT = base64Of("idp-cert-rolled.pem");
const exampleMetadata = readFileSync(join(EXAMPLES, "saml-metadata", "idp-metadata.xml"), "utf8");

describeWithTerraform("SAML metadata, both halves (real terraform)", () => {
  const fixture = new E2eFixture();

  const hclWorkspace = (): TfDir =>
    fixture.workspace().copyIn(join(EXAMPLES, "saml-metadata"), ["main.tf", "idp-metadata.xml"]);

  // A plan a test checks and then applies is saved (-out=tfplan) and applied from the file: the
  // apply carries out exactly the plan the test checked, without terraform planning it again.

  it("examples/saml-metadata (HCL) applies the IdP's half and outputs CPQ's; a new signing certificate in the file plans exactly that change, flagged as a restart in the PR comment", async () => {
    const ws = hclWorkspace();
    await ws.init();
    const plan = await ws.plan(["-out=tfplan"]);
    expect(plan.stderr).toBe("");
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain("Plan: 1 to add, 0 to change, 0 to destroy.");
    expect(plan.stdout).not.toContain("Check block assertion");

    await ws.mustApply(["tfplan"]);
    const outputs = await ws.outputs();
    const site = fixture.simulator.url;
    expect(outputs.cpq_sp_entity_id!.value).toBe(site);
    expect(outputs.cpq_sp_acs_url!.value).toBe(`${site}/sso/saml_response.jsp`);
    expect(outputs.cpq_sp_single_logout_url!.value).toBe(`${site}/sso/saml_logout.jsp`);
    // CPQ signs no requests here, so no certificate: a null output, which terraform leaves out.
    expect(outputs.cpq_sp_signing_certificate).toBeUndefined();
    expect(outputs.sso_restart_required!.value).toBe(true);
    const sso = ws.stateAttributes("cpq_sso_configuration", "sso");
    expect(sso.saml_idp_url).toBe(
      "https://example.okta.com/app/example_cpq_1/exk1test0cpq0sso0x7/sso/saml",
    );
    expect((await ws.plan()).stdout).toContain("No changes.");

    // The IdP rolled its signing key: the file saved again from its metadata URL.
    writeFileSync(join(ws.dir, "idp-metadata.xml"), exampleMetadata.replace(OLD_CERT, NEW_CERT));
    const rolled = await ws.run(["plan", "-input=false", "-no-color", "-out=tfplan"]);
    expect(rolled.stderr).toBe("");
    expect(rolled.stdout).toContain("Plan: 0 to add, 1 to change, 0 to destroy.");
    const shown = await ws.run(["show", "-json", "tfplan"]);
    const planJson = JSON.parse(shown.stdout) as {
      resource_changes: {
        address: string;
        change: {
          actions: string[];
          before: Record<string, unknown>;
          after: Record<string, unknown>;
        };
      }[];
    };
    const updates = planJson.resource_changes.filter((c) => c.change.actions.includes("update"));
    expect(updates.map((c) => c.address)).toEqual(["cpq_sso_configuration.sso"]);
    const { before, after } = updates[0]!.change;
    // Exactly the certificate, and the facts the provider reads from it (the two certificates
    // expire on the same day, so certificate_not_after stays).
    const changed = Object.keys(after).filter(
      (k) => k in before && JSON.stringify(before[k]) !== JSON.stringify(after[k]),
    );
    expect(changed).toEqual([
      "certificate_sha256_fingerprint",
      "certificate_subject",
      "id_provider_certificate",
    ]);

    const planFile = join(ws.dir, "plan.json");
    writeFileSync(planFile, shown.stdout);
    const r = await fixture.cpqSso(
      ["report", planFile, "--markdown", "comment.md", "--json", "summary.json"],
      { cwd: ws.dir },
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const comment = readFileSync(join(ws.dir, "comment.md"), "utf8");
    const summary = JSON.parse(readFileSync(join(ws.dir, "summary.json"), "utf8")) as {
      verdict: string;
      restartLikely: boolean;
    };
    expect(summary.restartLikely).toBe(true);
    // The SP metadata data source reads CPQ's settings, so its read waits for the apply.
    expect(summary.verdict).toBe("1 to change, 1 to read; may need a CPQ restart.");
    expect(comment).toContain("#### `cpq_sso_configuration.sso` will be updated in place");
    expect(comment).toContain(
      "IdP certificate subject changes from `CN=idp.example.com, O=Example IdP` to `CN=idp2.example.com, O=Example IdP`",
    );
    // One table row per changed attribute: the certificate (flagged), what is read from it, and
    // CPQ's restart answer to come (the flag and its pending record).
    const rows = comment.split("\n").filter((l) => l.startsWith("| `"));
    expect(rows.map((l) => /^\| `([a-z0-9_]+)`/.exec(l)![1])).toEqual([
      "certificate_sha256_fingerprint",
      "certificate_subject",
      "id_provider_certificate",
      "restart_pending_reason",
      "restart_pending_since",
      "restart_required",
    ]);
    expect(rows.filter((l) => l.includes("may need a CPQ restart"))).toEqual([
      expect.stringMatching(/^\| `id_provider_certificate` \|/) as unknown,
    ]);

    // The rolled plan, reported on above, is the one applied.
    await ws.mustApply(["tfplan"]);
    expect(ws.stateAttributes("cpq_sso_configuration", "sso").certificate_subject).toBe(
      "CN=idp2.example.com, O=Example IdP",
    );
  });

  it("warns in the plan, naming the certificate CPQ will hold, while the metadata holds two signing certificates", async () => {
    const ws = hclWorkspace();
    const both = exampleMetadata.replace(
      /(<md:KeyDescriptor use="signing">[\s\S]*?<\/md:KeyDescriptor>)/,
      (kd: string) => `${kd}\n    ${kd.replace(OLD_CERT, NEW_CERT)}`,
    );
    writeFileSync(join(ws.dir, "idp-metadata.xml"), both);
    await ws.init();
    const plan = await ws.plan(["-out=tfplan"]);
    expect(plan.code).toBe(2);
    const text = plan.stdout.replace(/[│\s]+/g, " ");
    expect(text).toContain("Warning: Check block assertion failed");
    expect(text).toContain("The identity provider metadata holds 2 signing certificates");
    expect(text).toContain("id_provider_certificate is the first, CN=idp.example.com");

    // The nightly drift job says so too, until the rollover is done.
    await ws.mustApply(["tfplan"]);
    const drift = await fixture.cpqSso(["drift", "--dir", ws.dir], { cwd: ws.dir });
    expect(drift.code).toBe(2);
    expect(drift.stdout).toContain("Checks failed in the configuration:");
    expect(drift.stdout).toContain("holds 2 signing certificates");
  });

  it.each([
    [
      "an entity expansion",
      `<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><l>&c;</l>`,
      "has a DOCTYPE or ENTITY declaration, which is refused",
    ],
    [
      "an external entity",
      `<?xml version="1.0"?><!DOCTYPE md [<!ENTITY x SYSTEM "file:///etc/passwd">]><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="&x;"/>`,
      "has a DOCTYPE or ENTITY declaration, which is refused",
    ],
    ["10 MB", `<x>${"a".repeat(10 * 1024 * 1024)}</x>`, "bytes long and at most 1048576 are read"],
    ["not SAML", "<html><body>Sign in</body></html>", "is not SAML 2.0 metadata"],
  ])("fails the plan with a clear error alone, quickly, for %s", async (_name, xml, message) => {
    const ws = hclWorkspace();
    writeFileSync(join(ws.dir, "idp-metadata.xml"), xml);
    await ws.init();
    const started = Date.now();
    const plan = await ws.plan();
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(plan.code).toBe(1);
    const text = plan.stderr.replace(/[│\s]+/g, " ");
    expect(text).toContain('Invalid value for "xml" parameter: the identity provider metadata');
    expect(text).toContain(message);
    expect(text).not.toContain("root:x:0:0");
    // The function's error alone: no follow-on "required" errors for what it was to give.
    expect(text).not.toContain("is required");
  });

  it("examples/saml-metadata (CDKTF) synthesizes and plans the same", async () => {
    const out = mkdtempSync(join(tmpdir(), "cpq-sso-saml-example-"));
    try {
      const { run: synth, stackDir } = synthExample("saml-metadata", out);
      expect(synth.stderr).toBe("");
      expect(synth.status).toBe(0);
      const ws = fixture.workspace();
      cpSync(join(stackDir, "cdk.tf.json"), join(ws.dir, "cdk.tf.json"));
      await ws.init();
      const plan = await ws.plan(["-out=tfplan"]);
      expect(plan.stderr).toBe("");
      expect(plan.stdout).toContain("Plan: 1 to add, 0 to change, 0 to destroy.");
      await ws.mustApply(["tfplan"]);
      const outputs = await ws.outputs();
      expect(outputs.cpq_sp_acs_url!.value).toBe(`${fixture.simulator.url}/sso/saml_response.jsp`);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  describe("the docs pages' HCL snippets", () => {
    const docsWorkspace = (files: readonly string[]): TfDir =>
      fixture.workspace().copyIn(EXAMPLES, files);

    it("idp_metadata: function.tf plans, warning of the rollover in its Entra ID metadata", async () => {
      const ws = docsWorkspace([
        "provider/provider.tf",
        "functions/idp_metadata/function.tf",
        "functions/idp_metadata/idp-metadata.xml",
      ]);
      await ws.init();
      const plan = await ws.plan();
      expect(plan.stderr).toBe("");
      expect(plan.stdout).toContain(
        '+ idp_entity_id = "https://sts.windows.net/00000000-0000-4000-8000-00000000c0de/"',
      );
      expect(plan.stdout).toContain("Check block assertion failed");
    });

    it("idp_metadata_with_certificate: Shibboleth-shaped metadata with the front-channel key chosen plans and applies with no check warning, then re-plans and drifts clean (exit 0)", async () => {
      const files = [
        "provider/provider.tf",
        "functions/idp_metadata_with_certificate/function.tf",
        "functions/idp_metadata_with_certificate/idp-metadata.xml",
      ];
      // Without the choice: the check says what the two keys are, in every plan.
      const unchosen = docsWorkspace(files);
      const tf = join(unchosen.dir, "function.tf");
      writeFileSync(
        tf,
        readFileSync(tf, "utf8").replace(
          /idp_metadata_with_certificate\(\s*(file\([^)]*\)),\s*"[0-9A-F:]+",\s*\)/,
          "idp_metadata($1)",
        ),
      );
      await unchosen.init();
      const warned = await unchosen.plan();
      expect(warned.stderr).toBe("");
      const text = warned.stdout.replace(/[│\s]+/g, " ");
      expect(text).toContain("Check block assertion failed");
      expect(text).toContain("2 signing certificates made together");
      expect(text).toContain("CPQ needs the front-channel one");

      const ws = docsWorkspace(files);
      await ws.init();
      const plan = await ws.plan(["-out=tfplan"]);
      expect(plan.stderr).toBe("");
      expect(plan.stdout).not.toContain("Check block assertion");
      expect(plan.stdout).not.toContain("Warning");
      expect(plan.stdout).toContain('+ idp_certificate_kind = "several_keys"');
      await ws.mustApply(["tfplan"]);
      const held = ws.stateAttributes("cpq_sso_configuration", "this");
      expect(held.certificate_sha256_fingerprint).toBe(
        "A3:B4:35:47:B5:6B:1D:99:02:06:91:04:3E:18:0C:08:54:C6:80:42:C6:40:80:C0:02:0A:0C:DD:6C:79:BA:42",
      );
      const replan = await ws.plan();
      expect({ code: replan.code, stderr: replan.stderr }).toEqual({ code: 0, stderr: "" });
      expect(replan.stdout).not.toContain("Check block assertion");
      const drift = await fixture.cpqSso(["drift", "--dir", ws.dir], { cwd: ws.dir });
      expect({ code: drift.code, stdout: drift.stdout }).toMatchObject({ code: 0 });
      expect(drift.stdout).not.toContain("Checks failed");
    });

    it("cpq_service_provider_metadata: data-source.tf plans, with CPQ's ACS URL", async () => {
      const ws = docsWorkspace([
        "provider/provider.tf",
        "data-sources/cpq_service_provider_metadata/data-source.tf",
      ]);
      await ws.init();
      const plan = await ws.plan();
      expect(plan.stderr).toBe("");
      expect(plan.stdout).toContain(
        `+ cpq_acs_url           = "${fixture.simulator.url}/sso/saml_response.jsp"`,
      );
    });
  });
});
