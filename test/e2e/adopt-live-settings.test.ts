/**
 * Adopting a live site with real terraform (issue 22): the first apply of a stack against a CPQ
 * site that already has SSO settings plans a create of `cpq_sso_configuration`. That plan must
 * say what it overwrites: a warning naming the live IdP URL and certificate it replaces, and the
 * live values in `replaced_live_values` of the plan JSON, for `cpq-sso report` to show as the
 * create's "before". After the apply, the next plan is clean.
 */
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { E2eFixture } from "../support/e2e-fixture";
import type { TfDir } from "../../tooling/tf-dir";
import { cpqProviderConfig, describeWithTerraform } from "./harness";

const fixture = (name: string): string =>
  readFileSync(join(__dirname, "..", "fixtures", name), "utf8");
const LIVE_CERT = fixture("idp-cert.pem");
const NEW_CERT = fixture("idp-cert-rolled.pem");
const LIVE_IDP_URL = "https://live-idp.example.com/saml2/sso";
const NEW_IDP_URL = "https://new-idp.example.com/saml2/sso";

/** What the reviewer is to see of a certificate, computed here with node:crypto itself. */
function reviewerForm(pem: string): string {
  const c = new X509Certificate(pem);
  return `${c.subject.split("\n").join(", ")} (SHA-256 ${c.fingerprint256})`;
}

/** `terraform show -json` of a saved plan: the parts read here. */
interface PlanJson {
  readonly resource_changes: readonly {
    readonly address: string;
    readonly change: {
      readonly actions: readonly string[];
      readonly after: Record<string, unknown>;
    };
  }[];
}

describeWithTerraform(
  "a stack created over a site's live SSO settings, with real terraform",
  () => {
    const fixture = new E2eFixture({
      simulator: {
        sso: {
          ssoMethod: "Federated Authentication",
          samlIdpUrl: LIVE_IDP_URL,
          idProviderCertificate: LIVE_CERT,
          samlUserIdType: "assertionTypeUsername",
          samlUserIdLocation: "idLocationSubject",
          samlLogoutUrl: "https://live-idp.example.com/logout",
        },
      },
    });
    let ws: TfDir;

    beforeEach(() => {
      ws = fixture.workspace();
    });

    const config = {
      ...cpqProviderConfig(),
      resource: {
        cpq_sso_configuration: {
          sso: {
            sso_method: "Federated Authentication",
            saml_idp_url: NEW_IDP_URL,
            id_provider_certificate: NEW_CERT,
            saml_user_id_type: "assertionTypeUsername",
          },
        },
      },
    };

    it("warns at plan with the live IdP URL and certificate, carries them in the plan JSON, and re-plans clean after the apply", async () => {
      ws.write(config);
      await ws.init();
      const plan = await ws.must(["plan", "-input=false", "-no-color", "-out=tfplan"]);
      const output = plan.stdout.replace(/\s+/g, " ");
      expect(output).toContain("cpq_sso_configuration.sso will be created");
      expect(output).toContain(
        "Warning: This create replaces live settings: the site's SSO configuration",
      );
      expect(output).toContain(`saml_idp_url: "${LIVE_IDP_URL}" -> "${NEW_IDP_URL}"`);
      expect(output).toContain(
        `id_provider_certificate: ${reviewerForm(LIVE_CERT)} -> ${reviewerForm(NEW_CERT)}`,
      );

      const shown = await ws.must(["show", "-json", "-no-color", "tfplan"]);
      const change = (JSON.parse(shown.stdout) as PlanJson).resource_changes.find(
        (c) => c.address === "cpq_sso_configuration.sso",
      );
      expect(change?.change.actions).toEqual(["create"]);
      // Only what the create overwrites: the unchanged method and user id type, and the logout URL
      // the configuration does not manage, are not listed.
      expect(change?.change.after.replaced_live_values).toEqual({
        saml_idp_url: LIVE_IDP_URL,
        id_provider_certificate: reviewerForm(LIVE_CERT),
      });
      expect(change?.change.after.lockout_risk).toBeNull();

      await ws.must(["apply", "-input=false", "-no-color", "tfplan"]);
      const live = (await fixture.sim.state()).sso;
      expect(live.samlIdpUrl).toBe(NEW_IDP_URL);
      expect(live.samlLogoutUrl).toBe("https://live-idp.example.com/logout");
      expect(ws.stateAttributes("cpq_sso_configuration", "sso").replaced_live_values).toEqual({
        saml_idp_url: LIVE_IDP_URL,
        id_provider_certificate: reviewerForm(LIVE_CERT),
      });

      const again = await ws.plan();
      expect(again.stdout).toContain("No changes");
      expect(again.code).toBe(0);
    });
  },
);

describeWithTerraform(
  "a plan that turns SSO on for the provider's own login, with real terraform",
  () => {
    const fixture = new E2eFixture({
      simulator: {
        users: [
          // The simulator's administrator login, as a user record the provider can find.
          { partyNumber: "2001", login: "cpqadmin" },
          { partyNumber: "2002", login: "jdoe", enabledForSso: true },
          { partyNumber: "2003", login: "bwayne", type: "SALES_USER" },
        ],
      },
    });
    let ws: TfDir;

    beforeEach(() => {
      ws = fixture.workspace();
    });

    it("warns and carries lockout_risk in the plan JSON, applies the same plan, and re-plans clean", async () => {
      ws.write({
        ...cpqProviderConfig(),
        resource: {
          cpq_user_sso: {
            admin: { user_login: "cpqadmin", enabled_for_sso: true },
            sales: { user_login: "bwayne", enabled_for_sso: true },
          },
        },
      });
      await ws.init();
      const plan = await ws.must(["plan", "-input=false", "-no-color", "-out=tfplan"]);
      const output = plan.stdout.replace(/\s+/g, " ");
      expect(output).toContain(
        "Warning: Lockout risk: this plan can lock administrators out of CPQ",
      );
      const shown = JSON.parse(
        (await ws.must(["show", "-json", "-no-color", "tfplan"])).stdout,
      ) as PlanJson;
      const riskOf = (address: string): unknown =>
        shown.resource_changes.find((c) => c.address === address)?.change.after.lockout_risk;
      expect(riskOf("cpq_user_sso.admin")).toBe(
        'This plan turns SSO on for "cpqadmin": "cpqadmin" is the login this provider signs in to CPQ as, so its next run can no longer authenticate with the password; "cpqadmin" is the last active FullAccess user outside SSO, so no administrator is left to sign in with a password if SSO fails.',
      );
      expect(riskOf("cpq_user_sso.sales")).toBeNull();

      // The apply re-plans each resource; a lockout_risk that changed would fail it.
      await ws.must(["apply", "-input=false", "-no-color", "tfplan"]);
      const again = await ws.plan();
      expect(again.stdout).toContain("No changes");
      expect(again.code).toBe(0);
    });
  },
);
