import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TfDir } from "../../tooling/tf-dir";

describe("TfDir.copyFrom", () => {
  let root: string;
  const install = () => ({ cliConfigFile: join(root, "terraform.rc"), codeCacheDir: root });

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "cpq-sso-tf-dir-test-"));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it("copies configuration, state, lock file and .terraform, keeping a provider link into the mirror and a relative link pointing into the copy", () => {
    // A workspace as `terraform init` and an apply leave it: the provider linked from the mirror
    // by absolute path.
    const mirror = join(root, "mirror", "linux_amd64");
    mkdirSync(mirror, { recursive: true });
    writeFileSync(join(mirror, "terraform-provider-cpq"), "provider");
    const template = new TfDir(install(), {}, { dir: join(root, "template") });
    template.write({ terraform: {} });
    writeFileSync(join(template.dir, "terraform.tfstate"), '{"serial": 3}');
    writeFileSync(join(template.dir, ".terraform.lock.hcl"), "# lock");
    const providers = join(template.dir, ".terraform", "providers", "cpq", "0.2.0");
    mkdirSync(providers, { recursive: true });
    symlinkSync(mirror, join(providers, "linux_amd64"));
    writeFileSync(join(template.dir, ".terraform", "modules.json"), "{}");
    symlinkSync("modules.json", join(template.dir, ".terraform", "relative-link"));

    // A workspace that already holds files: copyFrom replaces them, links included.
    const copy = new TfDir(install(), {}, { dir: join(root, "copy") }).copyFrom(template);
    writeFileSync(join(copy.dir, "stale.tf.json"), "{}");
    copy.copyFrom(template);
    expect(existsSync(join(copy.dir, "stale.tf.json"))).toBe(false);

    expect(copy.state()?.serial).toBe(3);
    expect(readFileSync(join(copy.dir, "main.tf.json"), "utf8")).toBe(
      readFileSync(join(template.dir, "main.tf.json"), "utf8"),
    );
    expect(readFileSync(join(copy.dir, ".terraform.lock.hcl"), "utf8")).toBe("# lock");
    const link = join(copy.dir, ".terraform", "providers", "cpq", "0.2.0", "linux_amd64");
    expect(readlinkSync(link)).toBe(mirror);
    expect(readFileSync(join(link, "terraform-provider-cpq"), "utf8")).toBe("provider");
    const relative = join(copy.dir, ".terraform", "relative-link");
    expect(realpathSync(relative)).toBe(realpathSync(join(copy.dir, ".terraform", "modules.json")));

    // The copy is its own: changing it leaves the template as it was.
    copy.forgetState();
    expect(template.state()?.serial).toBe(3);
  });
});
