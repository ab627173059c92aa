/**
 * `cpq-sso install` merges the team's Terraform CLI configuration instead of replacing it
 * (provider/cli/cli-config.ts): the team's text kept as written, our mirror added for our
 * provider only, and what cannot be merged safely refused with the fix, never with a line of a
 * file that holds credentials.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CliConfigMergeError,
  findTeamCliConfig,
  mergeCliConfig,
  namedTeamCliConfig,
} from "../../provider/cli/cli-config";
import { installProvider, runInstall } from "../../provider/cli/install";

const OURS = '["registry.terraform.io/cpq-sso/cpq", "registry.opentofu.org/cpq-sso/cpq"]';
const TOKEN = "canary-cli-config-token-61e0";

const TEAM = `# The team's CLI configuration.
plugin_cache_dir   = "$HOME/.terraform.d/plugin-cache"
disable_checkpoint = true

credentials "app.terraform.io" {
  token = "${TOKEN}" # a { in a comment
}

host "registry.corp.example" {
  services = {
    "modules.v1" = "https://registry.corp.example/modules/"
  }
}

provider_installation {
  dev_overrides {
    "corp/widget" = "/home/dev/go/bin"
  }
  network_mirror {
    url     = "https://mirror.corp.example/providers/"
    include = ["registry.terraform.io/*/*"]
    exclude = ["registry.terraform.io/corp/*", ]
  }
  filesystem_mirror {
    path = "/opt/terraform/mirror"
  }
  direct {}
}
`;

/** The configuration install writes from one file of the team's, with the mirror at /m. */
const merge = (text: string, file = "/home/dev/.terraformrc"): string =>
  mergeCliConfig([{ file, text }], "/m");

/** The text of a top-level block, by its first line. */
const block = (text: string, first: string): string => {
  const at = text.indexOf(first);
  if (at < 0) throw new Error(`no ${first}`);
  return text.slice(at, text.indexOf("\n}\n", at) + 3);
};

describe("merging the team's CLI configuration", () => {
  it("keeps every block but provider_installation as written, byte for byte", () => {
    const merged = merge(TEAM);
    for (const first of ['credentials "app.terraform.io" {', 'host "registry.corp.example" {']) {
      expect(block(merged, first)).toBe(block(TEAM, first));
    }
    expect(merged).toContain('plugin_cache_dir   = "$HOME/.terraform.d/plugin-cache"\n');
    expect(merged).toContain("disable_checkpoint = true\n");
    expect(merged.startsWith("# Written by `cpq-sso install`")).toBe(true);
    expect(merged).toContain("\n# cpq-sso-install-source: /home/dev/.terraformrc\n");
  });

  it("puts our mirror first among the methods of their provider_installation (after dev_overrides, which terraform wants first) and excludes our provider from each of their methods", () => {
    const merged = block(merge(TEAM), "provider_installation {");
    expect(merged).toBe(`provider_installation {
  dev_overrides {
    "corp/widget" = "/home/dev/go/bin"
  }
  # Added by cpq-sso install: cpq-sso/cpq from its local filesystem mirror.
  filesystem_mirror {
    path    = "/m"
    include = ${OURS}
  }

  network_mirror {
    url     = "https://mirror.corp.example/providers/"
    include = ["registry.terraform.io/*/*"]
    exclude = ["registry.terraform.io/corp/*", "registry.terraform.io/cpq-sso/cpq", "registry.opentofu.org/cpq-sso/cpq"]
  }
  filesystem_mirror {
    path = "/opt/terraform/mirror"
    exclude = ${OURS} # added by cpq-sso install
  }
  direct {
    exclude = ${OURS} # added by cpq-sso install
  }
}
`);
  });

  it("lists our provider once in an exclude that names it already", () => {
    const team = `provider_installation {\n  direct {\n    exclude = ["registry.terraform.io/cpq-sso/cpq"]\n  }\n}\n`;
    expect(merge(team)).toContain(`    exclude = ${OURS}\n`);
  });

  it("adds a provider_installation block of ours when the team has none", () => {
    const team = `credentials "app.terraform.io" {\n  token = "${TOKEN}"\n}\n`;
    const merged = merge(team, "/t.rc");
    expect(merged).toContain(team);
    expect(
      merged.endsWith(`provider_installation {
  filesystem_mirror {
    path    = "/m"
    include = ${OURS}
  }
  direct {
    exclude = ${OURS}
  }
}
`),
    ).toBe(true);
  });

  it("counts no brace inside strings, comments and heredocs", () => {
    const team = `host "x.example" {
  services = {
    "a" = "}}} \${"{"} \\" {"
  }
}
/* provider_installation { */
// provider_installation {
credentials_helper "corp" {
  args = [<<EOT
  provider_installation { }
EOT
  ]
}
`;
    const merged = merge(team, "/t.rc");
    expect(merged).toContain(team);
    expect(merged.match(/^provider_installation \{$/gm)).toHaveLength(1);
  });

  it.each([
    [
      "two provider_installation blocks",
      "provider_installation {\n  direct {}\n}\nprovider_installation {\n  direct {}\n}\n",
      "has 2 provider_installation blocks (/home/dev/.terraformrc line 1, /home/dev/.terraformrc line 4); terraform allows one",
    ],
    [
      "an item it does not know",
      `credentials "h.example" {\n  token = "${TOKEN}"\n}\nprovider_installation {\n  oci_mirror {\n  }\n}\n`,
      'line 5: provider_installation holds "oci_mirror", which cpq-sso install does not know how to merge',
    ],
    [
      "an exclude that is not a list of strings",
      "provider_installation {\n  direct {\n    exclude = local.excluded\n  }\n}\n",
      "line 3: direct's exclude is not a list of strings",
    ],
    [
      "a string that is not closed",
      `credentials "h.example" {\n  token = "${TOKEN}\n}\n`,
      "line 2: a string is not closed",
    ],
    [
      "JSON that does not parse",
      `{"credentials": {"h.example": {"token": "${TOKEN}"}}`,
      "(JSON syntax) is not valid JSON",
    ],
    [
      "JSON it cannot write as HCL",
      `{"credentials": {"h.example": {"token": "${TOKEN}"}}, "provider_installation": {"direct": {}}}`,
      "holds a value at provider_installation that is not a string",
    ],
  ])("refuses %s with the file, the line and the fix, and no text of the file", (_, team, said) => {
    let error: unknown;
    try {
      merge(team);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CliConfigMergeError);
    const message = (error as Error).message;
    expect(message).toContain("/home/dev/.terraformrc");
    expect(message).toContain(said);
    expect(message).toMatch(/--cli-config none|run install again|Fix the file/);
    expect(message).not.toContain(TOKEN);
  });
});

describe("finding the team's CLI configuration", () => {
  const home = mkdtempSync(join(tmpdir(), "cpq-sso-home-"));
  writeFileSync(join(home, ".terraformrc"), "disable_checkpoint = true\n");
  mkdirSync(join(home, ".terraform.d"));
  // What terraform login writes, and a file of the team's beside it; the rest is not read.
  writeFileSync(join(home, ".terraform.d", "credentials.tfrc.json"), "{}");
  writeFileSync(join(home, ".terraform.d", "corp.tfrc"), "\n");
  writeFileSync(join(home, ".terraform.d", "notes.txt"), "\n");

  it("reads TF_CLI_CONFIG_FILE alone when set, as terraform does", () => {
    const named = join(home, "named.rc");
    writeFileSync(named, "\n");
    expect(findTeamCliConfig({ TF_CLI_CONFIG_FILE: named }, "linux", home)).toEqual({
      files: [named],
      why: "TF_CLI_CONFIG_FILE",
    });
    expect(
      findTeamCliConfig({ TF_CLI_CONFIG_FILE: join(home, "gone.rc") }, "linux", home).files,
    ).toEqual([]);
  });

  it("else ~/.terraformrc and the .tfrc and .tfrc.json files of ~/.terraform.d, where terraform login keeps its tokens", () => {
    expect(findTeamCliConfig({}, "linux", home)).toEqual({
      files: [
        join(home, ".terraformrc"),
        join(home, ".terraform.d", "corp.tfrc"),
        join(home, ".terraform.d", "credentials.tfrc.json"),
      ],
      why: "the default",
    });
    expect(findTeamCliConfig({}, "linux", join(home, "nobody")).files).toEqual([]);
  });

  it("on Windows, %APPDATA%\\terraform.rc and %APPDATA%\\terraform.d", () => {
    const appData = join(home, "AppData");
    mkdirSync(join(appData, "terraform.d"), { recursive: true });
    writeFileSync(join(appData, "terraform.rc"), "\n");
    writeFileSync(join(appData, "terraform.d", "credentials.tfrc.json"), "{}");
    expect(findTeamCliConfig({ APPDATA: appData }, "win32", home).files).toEqual([
      join(appData, "terraform.rc"),
      join(appData, "terraform.d", "credentials.tfrc.json"),
    ]);
  });

  it("follows a configuration install wrote back to the team's files, so a second install does not merge into its own output", () => {
    const own = join(home, "own.rc");
    const team = findTeamCliConfig({}, "linux", home).files;
    writeFileSync(
      own,
      mergeCliConfig(
        team.map((file) => ({ file, text: readFileSync(file, "utf8") })),
        "/m",
      ),
    );
    expect(findTeamCliConfig({ TF_CLI_CONFIG_FILE: own }, "linux", home).files).toEqual(team);
    expect(() => namedTeamCliConfig(join(home, "missing.rc"))).toThrow(
      /no such file.*--cli-config none/,
    );
  });
});

describe("a token terraform login saved (credentials.tfrc.json)", () => {
  it("is written as the credentials block it stands for, after the files before it", () => {
    const merged = mergeCliConfig(
      [
        { file: "/h/.terraformrc", text: 'plugin_cache_dir = "/c"\n' },
        {
          file: "/h/.terraform.d/credentials.tfrc.json",
          text: JSON.stringify({ credentials: { "app.terraform.io": { token: TOKEN } } }),
        },
      ],
      "/m",
    );
    expect(merged).toContain(
      `# ---- from /h/.terraform.d/credentials.tfrc.json (JSON syntax, as HCL)\ncredentials "app.terraform.io" {\n  token = "${TOKEN}"\n}\n`,
    );
    expect(merged.indexOf('plugin_cache_dir = "/c"')).toBeLessThan(
      merged.indexOf('credentials "app.terraform.io"'),
    );
    expect(merged).toContain("# cpq-sso-install-source: /h/.terraform.d/credentials.tfrc.json\n");
  });
});

describe("cpq-sso install with the team's configuration", () => {
  const bundleDir = mkdtempSync(join(tmpdir(), "cpq-sso-bundle-"));
  const bundle = join(bundleDir, "provider.js");
  writeFileSync(bundle, "#!/usr/bin/env node\n");

  it("writes the merged configuration 0600 (it holds their credentials) and says which file it read", () => {
    const base = mkdtempSync(join(tmpdir(), "cpq-sso-merge-"));
    const team = join(base, "team.rc");
    writeFileSync(team, TEAM);
    const r = installProvider({ dir: join(base, "out"), bundle, cliConfig: { file: team } });
    expect(r.teamCliConfig).toEqual({ files: [team], why: "--cli-config" });
    const written = readFileSync(r.cliConfigFile, "utf8");
    expect(written).toBe(mergeCliConfig([{ file: team, text: TEAM }], r.mirrorDir));
    expect(statSync(r.cliConfigFile).mode & 0o777).toBe(0o600);
  });

  it("stops before writing anything when the team's configuration cannot be merged, and prints no line of it", async () => {
    const base = mkdtempSync(join(tmpdir(), "cpq-sso-merge-"));
    const team = join(base, "team.rc");
    writeFileSync(
      team,
      `credentials "h.example" {\n  token = "${TOKEN}"\n}\nprovider_installation {\n  weird = 1\n}\n`,
    );
    const err: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => err.push(s) > 0) as typeof process.stderr.write;
    let code: number;
    try {
      code = await runInstall(["--dir", join(base, "out"), "--cli-config", team]);
    } finally {
      process.stderr.write = write;
    }
    expect(code).toBe(1);
    expect(err.join("")).toContain(`${team}, line 5: provider_installation holds "weird"`);
    expect(err.join("")).not.toContain(TOKEN);
  });
});

describe("cpq-sso install in a team's git repository", () => {
  const bundleDir = mkdtempSync(join(tmpdir(), "cpq-sso-bundle-"));
  const bundle = join(bundleDir, "provider.js");
  writeFileSync(bundle, "#!/usr/bin/env node\n");
  const git = (cwd: string, ...args: string[]): string =>
    execFileSync("git", args, {
      cwd,
      encoding: "utf8",
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1" },
    });

  it("keeps the copied credentials out of git: `git add .` stages nothing of the install directory", () => {
    const repo = mkdtempSync(join(tmpdir(), "cpq-sso-repo-"));
    git(repo, "init", "-q");
    const team = join(repo, "..", `team-${Date.now()}.rc`);
    writeFileSync(team, TEAM);
    const r = installProvider({ dir: join(repo, ".cpq-sso"), bundle, cliConfig: { file: team } });
    expect(readFileSync(r.cliConfigFile, "utf8")).toContain(TOKEN);
    writeFileSync(join(repo, "main.tf"), "# the team's configuration\n");
    git(repo, "add", ".");
    expect(git(repo, "diff", "--cached", "--name-only").split("\n").filter(Boolean)).toEqual([
      "main.tf",
    ]);
  });

  it("leaves a .gitignore of the team's own in the install directory as it is", () => {
    const base = mkdtempSync(join(tmpdir(), "cpq-sso-ignore-"));
    const dir = join(base, "out");
    mkdirSync(dir, { mode: 0o700 });
    writeFileSync(join(dir, ".gitignore"), "mirror/\n");
    installProvider({ dir, bundle });
    expect(readFileSync(join(dir, ".gitignore"), "utf8")).toBe("mirror/\n");
  });
});
