// Every HCL block the docs pages show is one of the example files that
// test/e2e/hcl-and-opentofu.test.ts plans ("planned here" below means there; the identity
// imports, list queries and actions, which need Terraform 1.12-1.14, are planned by
// test/e2e/terraform-1.14.test.ts): a check of files alone, so it runs here, also where
// terraform is not installed.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { cpqProvider } from "../../provider/provider";

const ROOT = join(__dirname, "..", "..");
const EXAMPLES = join(ROOT, "examples");

describe("the docs pages' HCL snippets", () => {
  it("every terraform block on a docs page is one of the example files planned here", () => {
    const pages = ["index.md", "resources", "data-sources", "functions", "actions"].flatMap((p) =>
      p.endsWith(".md")
        ? [join(ROOT, "docs", p)]
        : readdirSync(join(ROOT, "docs", p)).map((f) => join(ROOT, "docs", p, f)),
    );
    const planned = [
      "provider/provider.tf",
      ...cpqProvider
        .resources()
        .flatMap((r) => [
          `resources/${r.typeName}/resource.tf`,
          `resources/${r.typeName}/import.tf`,
          ...(r.identity ? [`resources/${r.typeName}/import-by-identity.tf`] : []),
          ...(r.list ? [`resources/${r.typeName}/list.tfquery.hcl`] : []),
        ]),
      ...(cpqProvider.actions?.() ?? []).map((a) => `actions/${a.typeName}/action.tf`),
      ...cpqProvider.dataSources().map((d) => `data-sources/${d.typeName}/data-source.tf`),
      ...cpqProvider.functions().map((f) => `functions/${f.name}/function.tf`),
    ].map((f) => readFileSync(join(EXAMPLES, f), "utf8").trimEnd());
    let blocks = 0;
    for (const page of pages) {
      for (const m of readFileSync(page, "utf8").matchAll(/```terraform\n([\s\S]*?)\n```/g)) {
        blocks++;
        expect(planned).toContain(m[1]);
      }
    }
    expect(blocks).toBe(planned.length);
  });
});
