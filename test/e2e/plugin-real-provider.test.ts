/**
 * The real provider bundle (`dist/provider.js`, serving `cpqProvider`) as terraform sees it:
 * installed through `installProvider`, its schema read by `terraform providers schema -json`, and
 * an invalid configuration refused by `terraform validate` at the attribute's line. Needs neither
 * CPQ nor the simulator: validation runs before the provider is configured.
 */
import { readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { E2eFixture } from "../support/e2e-fixture";
import type { TfDir } from "../../tooling/tf-dir";
import { describeWithTerraform } from "./harness";
import { cpqProvider } from "../../provider/provider";

const HEADER = `terraform {
  required_providers {
    cpq = { source = "cpq-sso/cpq" }
  }
}
`;

interface SchemaJson {
  provider_schemas: Record<
    string,
    {
      provider: { block: { attributes: Record<string, { sensitive?: boolean }> } };
      resource_schemas: Record<
        string,
        { block: { attributes: Record<string, { write_only?: boolean; sensitive?: boolean }> } }
      >;
    }
  >;
}

describeWithTerraform("the real provider bundle under terraform", () => {
  // A cold code cache of its own: the cache itself is under test.
  const fixture = new E2eFixture({ simulator: false, install: "cold" });
  let ws: TfDir;

  /** An initialized workspace whose `main.tf` is the header and `body`. */
  const workspaceWith = async (body: string): Promise<TfDir> => {
    ws = fixture.workspace();
    writeFileSync(join(ws.dir, "main.tf"), `${HEADER}${body}`);
    await ws.init();
    return ws;
  };
  const ssoWithMethod = (method: string): string =>
    `\nresource "cpq_sso_configuration" "sso" {\n  sso_method = "${method}"\n}\n`;

  it("publishes its schema, write-only secrets included, through the plugin protocol", async () => {
    await workspaceWith("");
    const r = await ws.must(["providers", "schema", "-json"]);
    const schema = (JSON.parse(r.stdout) as SchemaJson).provider_schemas[
      "registry.terraform.io/cpq-sso/cpq"
    ]!;
    expect(schema.provider.block.attributes.password?.sensitive).toBe(true);
    const sso = schema.resource_schemas.cpq_sso_configuration!.block.attributes;
    expect(sso.saml_store_pass_wo).toMatchObject({ write_only: true, sensitive: true });
    expect(sso.sso_method).toBeDefined();
  });

  it("prints through terraform providers schema -json exactly the schema cpq-sso schema --json prints", async () => {
    await workspaceWith("");
    const r = await ws.must(["providers", "schema", "-json"]);
    const viaTerraform = JSON.parse(r.stdout) as {
      provider_schemas: Record<string, Record<string, unknown>>;
    };
    const ours = await fixture.cpqSso(["schema", "--json"], { cwd: ws.dir });
    expect(ours.code).toBe(0);
    // Terraform 1.12+ also prints what 1.11 cannot read (identity, list resource and action
    // schemas): the schema both print in common is the one every client sees alike.
    const newer = ["resource_identity_schemas", "list_resource_schemas", "action_schemas"];
    const provider = viaTerraform.provider_schemas["registry.terraform.io/cpq-sso/cpq"]!;
    if ("list_resource_schemas" in provider) {
      expect(Object.keys(provider.list_resource_schemas as object).sort()).toEqual(
        cpqProvider
          .resources()
          .filter((x) => x.list)
          .map((x) => x.typeName)
          .sort(),
      );
    }
    for (const k of newer) delete provider[k];
    expect(viaTerraform).toEqual(JSON.parse(ours.stdout));
  });

  it("keeps its compiled code in the code cache, and later processes run from it", async () => {
    await workspaceWith(ssoWithMethod("None"));
    await ws.must(["validate", "-no-color"]);
    // The provider's files: the \`cli\` folder beside them is the cpq-sso command's compile cache
    // (an earlier test of this file ran the command).
    const files = (): Map<string, number> =>
      new Map(
        readdirSync(fixture.install.codeCacheDir)
          .filter((f) => f.endsWith(".v8cache"))
          .map((f) => [f, statSync(join(fixture.install.codeCacheDir, f)).mtimeMs]),
      );
    const first = files();
    // The plugin bundle and the zod companion (validation) were compiled and their code kept,
    // for this Node and these bundles only; the client companion was not needed to validate.
    const names = [...first.keys()].sort();
    expect(names).toHaveLength(2);
    expect(names[0]).toMatch(new RegExp(`^provider-main-[0-9a-f]{16}-${process.version}-`));
    expect(names[1]).toMatch(/^provider-zod-[0-9a-f]{16}-/);
    for (const f of names)
      expect(statSync(join(fixture.install.codeCacheDir, f)).mode & 0o777).toBe(0o600);
    // Another validate starts the provider again: it runs from the cache, rewriting nothing.
    await ws.must(["validate", "-no-color"]);
    expect(files()).toEqual(first);
  });

  it("refuses an invalid attribute value at its line in `terraform validate`", async () => {
    await workspaceWith(ssoWithMethod("Magic Links"));
    const r = await ws.run(["validate", "-no-color"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/on main\.tf line \d+, in resource "cpq_sso_configuration" "sso":/);
    expect(r.stderr).toMatch(/sso_method = "Magic Links"/);
  });
});
