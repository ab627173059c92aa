/**
 * What `terraform query -generate-config-out` (Terraform 1.14+) writes, planned by the
 * terraform here (1.11): each listed object's generated configuration, as an ordinary `import`
 * block (by id) and `resource` block, must plan an import and nothing else. The listing and the
 * generation are the provider's RPCs, called as Terraform 1.14 calls them; the plan is real.
 */
import { cpqProvider } from "../../provider/provider";
import { tfplugin6 } from "../../provider/plugin/codec";
import { createLogger } from "../../provider/plugin/log";
import { ProviderService } from "../../provider/plugin/provider-service";
import { siteAdministrator } from "../../tooling/terraform-env";
import { E2eFixture } from "../support/e2e-fixture";
import { mp, unmp, wire } from "../support/cty-msgpack";
import { cpqProviderConfig, describeWithTerraform } from "./harness";

const says = (ds: readonly tfplugin6.IDiagnostic[] | null | undefined): string =>
  (ds ?? []).map((d) => `${d.summary}: ${d.detail}`).join("\n");

describeWithTerraform("generated configuration, planned by Terraform 1.11", () => {
  const fixture = new E2eFixture();

  /** The provider, configured against the simulator as Terraform 1.14 would configure it. */
  async function service(): Promise<ProviderService> {
    const svc = new ProviderService(cpqProvider, { logger: createLogger("test", () => undefined) });
    const basic = siteAdministrator(fixture.simulator);
    const names = cpqProvider.attributes.map((a) => a.name);
    const config = {
      ...Object.fromEntries(names.map((n) => [n, null])),
      base_url: fixture.simulator.url,
      username: basic.username,
      password: basic.password,
    };
    const r = await svc.ConfigureProvider(
      wire(tfplugin6.ConfigureProvider.Request, {
        terraformVersion: "1.14.0",
        config: mp(config),
        clientCapabilities: { writeOnlyAttributesAllowed: true },
      }),
    );
    expect(says(r.diagnostics)).toBe("");
    return svc;
  }

  /** The first object a list block with `filters` finds, with its generated configuration. */
  async function generated(typeName: string, filters: Record<string, unknown>) {
    const svc = await service();
    const r = cpqProvider.resources().find((x) => x.typeName === typeName)!;
    const config = {
      ...Object.fromEntries(r.list!.attributes.map((a) => [a.name, null])),
      ...filters,
    };
    const events: tfplugin6.ListResource.IEvent[] = [];
    await svc.ListResource(
      wire(tfplugin6.ListResource.Request, {
        typeName,
        config: mp(config),
        includeResourceObject: true,
        limit: 1,
      }),
      (e) => events.push(wire(tfplugin6.ListResource.Event, e)),
    );
    expect(events.map((e) => says(e.diagnostic))).toEqual([""]);
    const gen = await svc.GenerateResourceConfig(
      wire(tfplugin6.GenerateResourceConfig.Request, {
        typeName,
        state: events[0]!.resourceObject ?? null,
      }),
    );
    expect(says(gen.diagnostics)).toBe("");
    const identity = unmp(events[0]!.identity?.identityData) as Record<string, string | null>;
    const body = Object.fromEntries(
      Object.entries(unmp(gen.config ?? null) as Record<string, unknown>).filter(
        ([, v]) => v !== null,
      ),
    );
    return { importId: r.identity!.toImportId(identity), body };
  }

  /** The list block's filters per resource, where the first object found needs one (none: `{}`). */
  const FILTERS: Readonly<Record<string, Record<string, unknown>>> = {
    cpq_user_integration_login: { tab: "idp" },
    cpq_user_integration_logins: { tab: "idp" },
    cpq_user_sso: { all_users: true },
  };

  it.each(
    cpqProvider
      .resources()
      .filter((r) => r.list)
      .map((r) => r.typeName),
  )(
    "%s: the generated import and resource blocks plan an import and no change",
    async (typeName) => {
      const filters = FILTERS[typeName] ?? {};
      for (const [pn, login] of [
        ["1001", "jdoe@idp.example.com"],
        ["1002", "asmith@idp.example.com"],
      ] as const) {
        const r = await fixture.sim.cpq("PUT", `/rest/v19/users/${pn}/integrations/idp`, {
          login,
          authType: "oauth",
        });
        expect(r.status).toBe(200);
      }
      const { importId, body } = await generated(typeName, filters);
      const ws = fixture.workspace();
      ws.write({
        ...cpqProviderConfig(),
        import: [{ to: `${typeName}.adopted`, id: importId }],
        resource: { [typeName]: { adopted: body } },
      });
      await ws.init();
      const plan = await ws.plan();
      expect(plan.stderr).toBe("");
      expect(plan.stdout).toContain("Plan: 1 to import, 0 to add, 0 to change, 0 to destroy.");
      // Nothing but reads reached CPQ.
      const writes = (await fixture.sim.requests()).filter(
        (q) => q.method !== "GET" && !q.path.startsWith("/__sim"),
      );
      expect(
        writes.map((q) => `${q.method} ${q.path}`).filter((w) => !w.includes("oauth2")),
      ).toEqual([
        "PUT /rest/v19/users/1001/integrations/idp",
        "PUT /rest/v19/users/1002/integrations/idp",
      ]);
    },
  );
});
