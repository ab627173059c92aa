/**
 * The plugin server under the real terraform binary: a fixture provider (a resource kept in a
 * local JSON file) bundled like the real one, installed into a filesystem mirror, driven through
 * init, plan, apply, import and destroy.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { E2eFixture } from "../support/e2e-fixture";
import type { TfDir } from "../../tooling/tf-dir";
import { describeWithTerraform } from "./harness";
import { installFixtureProvider } from "../../tooling/bundle";

function hcl(prefix: string, resources: string): string {
  return `terraform {
  required_providers {
    cpq = { source = "cpq-sso/cpq" }
  }
}

provider "cpq" {
  prefix = "${prefix}/"
}
${resources}`;
}

describeWithTerraform("the plugin server under terraform", () => {
  const fixture = new E2eFixture({
    simulator: false,
    install: async () => {
      const provider = await installFixtureProvider();
      return { ...provider, codeCacheDir: join(provider.dir, "code-cache") };
    },
  });
  let ws: TfDir;
  let files: string;

  beforeEach(() => {
    ws = fixture.workspace();
    files = join(ws.dir, "files");
    mkdirSync(files);
  });

  function configure(resources: string): void {
    writeFileSync(join(ws.dir, "main.tf"), hcl(files, resources));
  }

  it("applies, refreshes without changes and destroys, keeping a write-only value out of the state", async () => {
    configure(`
resource "cpq_fixture_file" "a" {
  path      = "a.json"
  content   = "hello"
  secret_wo = "s3cret-value"
}

data "cpq_fixture_echo" "e" {
  input = "hi"
}

output "size" {
  value = cpq_fixture_file.a.size
}

output "echo" {
  value = data.cpq_fixture_echo.e.output
}
`);
    await ws.init();
    const apply = await ws.mustApply();
    expect(apply.stdout).toContain("secret_wo   = (write-only attribute)");
    expect(apply.stdout).toContain("Apply complete! Resources: 1 added");

    const attrs = ws.stateAttributes("cpq_fixture_file", "a");
    expect(attrs).toMatchObject({ id: "a.json", content: "hello", size: 5, secret_wo: null });
    expect(attrs.secret_hash).toBe("set");
    // The fixture hands the secret back in its new state (a provider bug); the glue drops it.
    expect(ws.stateText()).not.toContain("s3cret-value");
    expect(await ws.outputs()).toMatchObject({ size: { value: 5 }, echo: { value: "echo: hi" } });

    const again = await ws.plan();
    expect(again.stderr).toBe("");
    expect(again.code).toBe(0);

    await ws.must(["destroy", "-auto-approve", "-no-color", "-input=false"]);
    expect(existsSync(join(files, "a.json"))).toBe(false);
  });

  it("shows a validation error at the attribute it is about", async () => {
    configure(`
resource "cpq_fixture_file" "a" {
  path    = "a.json"
  content = "hello"
  mode    = "loud"
}
`);
    await ws.init();
    const plan = await ws.plan();
    expect(plan.code).toBe(1);
    // The table's enum, checked by the plugin before the resource's own rules run.
    expect(plan.stderr).toContain('Error: Invalid value for "mode"');
    expect(plan.stderr).toContain('"loud" is not allowed. Use one of: "plain", "shout".');
    // Terraform quotes the offending line only when the diagnostic carries the attribute path.
    expect(plan.stderr).toMatch(/on main\.tf line \d+, in resource "cpq_fixture_file" "a":/);
    expect(plan.stderr).toMatch(/mode\s+= "loud"/);
  });

  it("reports warnings at their attribute and still plans", async () => {
    configure(`
resource "cpq_fixture_file" "a" {
  path    = "a.json"
  content = "warn me"
}
`);
    await ws.init();
    const plan = await ws.plan();
    expect(plan.code).toBe(2);
    expect(plan.stdout + plan.stderr).toContain("Warning: Content is suspicious");
    expect(plan.stdout + plan.stderr).toMatch(/content\s+= "warn me"/);
  });

  it("turns an exception in apply into an error, not a crash, and records nothing", async () => {
    configure(`
resource "cpq_fixture_file" "a" {
  path    = "a.json"
  content = "hello"
  explode = true
}
`);
    await ws.init();
    const r = await ws.run(["apply", "-auto-approve", "-no-color", "-input=false"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("The cpq provider failed during apply of cpq_fixture_file");
    expect(r.stderr).toContain("the fixture was asked to explode");
    expect(r.stderr).not.toMatch(/plugin (crashed|exited)|panic/i);
    expect(existsSync(join(files, "a.json"))).toBe(false);
  });

  it("imports an existing object, which then plans without changes", async () => {
    writeFileSync(
      join(files, "b.json"),
      JSON.stringify({ content: "already here", mode: "shout", secretHash: null }),
    );
    configure(`
resource "cpq_fixture_file" "b" {
  path    = "b.json"
  content = "already here"
  mode    = "shout"
}
`);
    await ws.init();
    const imp = await ws.must([
      "import",
      "-no-color",
      "-input=false",
      "cpq_fixture_file.b",
      "b.json",
    ]);
    expect(imp.stdout).toContain("Import successful!");
    expect(ws.stateAttributes("cpq_fixture_file", "b")).toMatchObject({
      id: "b.json",
      content: "already here",
      size: 12,
      mode: "shout",
    });
    const plan = await ws.plan();
    expect(plan.code).toBe(0);
  });

  it("says clearly when there is nothing to import", async () => {
    configure(`
resource "cpq_fixture_file" "c" {
  path    = "c.json"
  content = "x"
}
`);
    await ws.init();
    const r = await ws.run(["import", "-no-color", "-input=false", "cpq_fixture_file.c", "c.json"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('No cpq_fixture_file with import id "c.json" exists.');
  });

  it("plans a replacement when a force-new attribute changes", async () => {
    configure(`
resource "cpq_fixture_file" "a" {
  path    = "a.json"
  content = "hello"
}
`);
    await ws.init();
    await ws.mustApply();
    configure(`
resource "cpq_fixture_file" "a" {
  path    = "moved.json"
  content = "hello"
}
`);
    // Saved and applied from its file: the apply carries out exactly the replacement checked here.
    const plan = await ws.plan(["-out=tfplan"]);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain("must be replaced");
    expect(plan.stdout).toContain("# forces replacement");
    await ws.mustApply(["tfplan"]);
    expect(existsSync(join(files, "a.json"))).toBe(false);
    expect(JSON.parse(readFileSync(join(files, "moved.json"), "utf8"))).toMatchObject({
      content: "hello",
    });
  });
});
