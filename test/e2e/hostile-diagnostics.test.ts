/**
 * A CPQ error message holding terminal escapes reaches Terraform's output as visible text (issue
 * 24): the review saw clear-screen, an OSC 52 clipboard write, a window title and a fake line
 * printed raw. Here the message is the Check action's, naming a partner whose name CPQ holds.
 */
import { DEFAULT_PARTNERS } from "../../simulator/seed";
import { E2eFixture } from "../support/e2e-fixture";
import { cpqProviderConfig, describeWithTerraform } from "./harness";

const ESC = "\u001b";
const HOSTILE_PARTNER =
  `Oracle ERP${ESC}[2J${ESC}[H${ESC}]52;c;cHduZWQ=\u0007${ESC}]0;owned\u0007` +
  `\r\n::warning::x \u202eevil`;

describeWithTerraform("diagnostics built from hostile CPQ text (real terraform)", () => {
  const fixture = new E2eFixture({
    simulator: {
      integrations: {
        partners: DEFAULT_PARTNERS.map((p) =>
          p.tab === "erp" ? { ...p, partner: HOSTILE_PARTNER } : p,
        ),
      },
    },
  });

  it("prints CPQ's refusal with its escape sequences shown, none of them sent to the terminal", async () => {
    const ws = fixture.workspace({ TF_VAR_password: "canary-wrong-password-5d0e" });
    ws.write({
      ...cpqProviderConfig(),
      variable: { password: { type: "string", sensitive: true, ephemeral: true } },
      resource: {
        cpq_user_integration_login: {
          asmith_erp: {
            user_login: "asmith",
            tab: "erp",
            login: "asmith@erp.example.com",
            password_wo: "${var.password}",
            validate_credentials: true,
          },
        },
      },
    });
    await ws.init();
    const r = await ws.run(["apply", "-auto-approve", "-input=false", "-no-color"]);
    expect(r.code).toBe(1);
    // From the diagnostic on: terraform's own rendering of the plan above it prints attribute
    // values as they are (docs/security.md says so), which no provider can change.
    expect(r.stderr).toContain("Error: ");
    const out = r.stderr.slice(r.stderr.indexOf("Error: "));
    expect(out.length).toBeGreaterThan(0);
    // The message arrived, and what it holds is shown as escapes.
    expect(out).toContain("Oracle ERP\\x1b[2J\\x1b[H\\x1b]52;c;cHduZWQ=\\x07");
    expect(out).toContain("\\u202eevil");
    for (const c of [ESC, "\u0007", "\r", "\u202e", "\u009b"]) expect(out).not.toContain(c);
    // No line of the diagnostic is a workflow command, in the summary or in the detail.
    expect(out.split("\n").filter((l) => l.trimStart().startsWith("::warning"))).toEqual([]);
  });
});
