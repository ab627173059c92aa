/**
 * `cpq-sso install`: makes the built provider available to terraform without a registry, through
 * a filesystem mirror and a CLI configuration that points at it. Terraform then installs
 * `cpq-sso/cpq` from the mirror on `terraform init`, like any registry provider, and records its
 * checksum in `.terraform.lock.hcl`. The CLI configuration keeps the team's own (cli-config.ts):
 * `TF_CLI_CONFIG_FILE` replaces it rather than adding to it.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { PROVIDER_ADDRESSES, PROVIDER_SOURCE } from "../address";
import { packageVersion } from "../version";
import {
  cliConfigBlock,
  findTeamCliConfig,
  mergeCliConfig,
  namedTeamCliConfig,
  WRITTEN_BY,
} from "./cli-config";
import type { TeamCliConfig } from "./cli-config";
import { packageRoot, parseCommandLine } from "./io";
import { makeSubdirectories, makeTrustedDirectory, writeFileNoFollow } from "./safe-fs";

/** What `<dir>/.gitignore` says: everything in the directory stays out of git. */
export const INSTALL_GITIGNORE =
  "# Written by cpq-sso install: a provider build and terraform.rc, which may hold the\n" +
  "# credentials of your Terraform CLI configuration. Nothing here belongs in git.\n*\n";

/** Why an install directory must be one only this user can change, for the refusal message. */
const INSTALL_WHY =
  "terraform runs the provider from this mirror and reads where it is from terraform.rc, so " +
  "another user able to change them could run a program of theirs as you";
const INSTALL_FIX =
  "Install into a directory only you can write (the default ./.cpq-sso of your project), or " +
  "remove the others' write access (chmod go-w) if you trust them.";

/** Options of {@link installProvider}. */
export interface InstallOptions {
  /** Directory for the mirror and the CLI configuration; default `./.cpq-sso`. */
  readonly dir?: string;
  /** The provider bundle to install; default the built `dist/provider.js`. */
  readonly bundle?: string;
  /** Terraform's platform name, e.g. `linux_amd64`; default this machine's. */
  readonly platform?: string;
  /**
   * The team's Terraform CLI configuration to keep in the one written: `"auto"`, the one
   * terraform would read (`TF_CLI_CONFIG_FILE`, else `~/.terraformrc` or
   * `%APPDATA%\terraform.rc`), as the `cpq-sso install` command does; a file; or `"none"`, a
   * configuration of the mirror alone (the tests, `npm start`).
   * @default "none"
   */
  readonly cliConfig?: "auto" | "none" | { readonly file: string };
}

/** Where things were installed. */
export interface InstallResult {
  /** The CLI configuration to point `TF_CLI_CONFIG_FILE` at. */
  readonly cliConfigFile: string;
  /** The team's configuration files merged into it (none: the mirror alone), and how found. */
  readonly teamCliConfig: TeamCliConfig;
  /** The filesystem mirror's root. */
  readonly mirrorDir: string;
  /** The installed executable (under `registry.terraform.io`). */
  readonly executable: string;
  /** The executable under each registry host name, in `REGISTRY_HOSTS` (provider/address.ts) order. */
  readonly executables: readonly string[];
  readonly providerSource: typeof PROVIDER_SOURCE;
  readonly version: string;
}

/** Terraform's name for this machine's platform (`GOOS_GOARCH`). */
export function terraformPlatform(
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch,
): string {
  const os = platform === "win32" ? "windows" : platform;
  const goArch: Record<string, string> = { x64: "amd64", ia32: "386", arm64: "arm64", arm: "arm" };
  return `${os}_${goArch[arch] ?? arch}`;
}

/** The built provider executable: the package's dist/provider.js. */
export function defaultBundle(): string {
  const bundle = join(packageRoot(), "dist", "provider.js");
  if (!existsSync(bundle)) {
    throw new Error(
      "The provider bundle dist/provider.js was not found. Build it first with `npm run build`.",
    );
  }
  return bundle;
}

/**
 * The CLI configuration text of the mirror alone: our provider from the mirror, under either
 * registry host name, and every other provider as usual. Terraform and OpenTofu read the same
 * syntax.
 */
export function cliConfigText(mirrorDir: string): string {
  return `${WRITTEN_BY}: ${PROVIDER_SOURCE} comes from a local filesystem mirror,
# for Terraform (registry.terraform.io) and OpenTofu (registry.opentofu.org) alike.
${cliConfigBlock(mirrorDir)}`;
}

/**
 * Files the provider executable loads from beside itself (see scripts/build.mjs): the plugin
 * bundle its launcher runs, and the companions that bundle loads on first use.
 */
export const PROVIDER_COMPANIONS = [
  "provider-main.js",
  "provider-client.js",
  "provider-zod.js",
  "provider-saxes.js",
] as const;

/**
 * Copies the provider bundle into
 * `<dir>/mirror/<host>/cpq-sso/cpq/<version>/<os_arch>/`, for each of `REGISTRY_HOSTS` (provider/address.ts), as
 * `terraform-provider-cpq_v<version>` (mode 0755), with the companion files it loads, and writes
 * `<dir>/terraform.rc`.
 */
export function installProvider(opts: InstallOptions = {}): InstallResult {
  const dir = resolve(opts.dir ?? ".cpq-sso");
  const version = packageVersion();
  const mirrorDir = join(dir, "mirror");
  // Refused first, before the bundle is even looked for: a directory (or a parent) another user
  // can write, or one of theirs. Nothing below follows a link: directories are made one by one
  // and checked, files are written to a new name and renamed into place (docs/security.md).
  makeTrustedDirectory(dir, INSTALL_WHY, INSTALL_FIX);
  const cliConfigFile = join(dir, "terraform.rc");
  // Read and merged before anything is written: a configuration that cannot be merged stops
  // the install with the fix, and leaves the directory as it was.
  const choice = opts.cliConfig ?? "none";
  const team: TeamCliConfig =
    choice === "none"
      ? { files: [], why: "none asked for" }
      : choice === "auto"
        ? findTeamCliConfig()
        : namedTeamCliConfig(choice.file);
  const cliConfig =
    team.files.length === 0
      ? cliConfigText(mirrorDir)
      : mergeCliConfig(
          team.files.map((file) => ({ file, text: readFileSync(file, "utf8") })),
          mirrorDir,
        );
  const bundle = opts.bundle ?? defaultBundle();
  const data = readFileSync(bundle);
  const text = data.toString("utf8");
  if (!text.startsWith("#!")) {
    throw new Error(
      `${bundle} has no #! line, so terraform could not execute it. Rebuild it with \`npm run build\`.`,
    );
  }
  const companions = PROVIDER_COMPANIONS.flatMap((name) => {
    const from = join(dirname(bundle), name);
    if (existsSync(from)) return [{ name, data: readFileSync(from) }];
    // A self-contained bundle (the tests' fixture provider) names none of them and needs none.
    if (text.includes(name)) {
      throw new Error(`${from} is missing beside ${bundle}. Rebuild with \`npm run build\`.`);
    }
    return [];
  });
  // A copy per host name, not a link: each is a complete unpacked mirror entry, as Terraform
  // and OpenTofu expect it, whatever the file system supports.
  const executables = PROVIDER_ADDRESSES.map((address) => {
    const target = makeSubdirectories(
      dir,
      `mirror/${address}/${version}/${opts.platform ?? terraformPlatform()}`,
      INSTALL_WHY,
      INSTALL_FIX,
    );
    const executable = join(target, `terraform-provider-cpq_v${version}`);
    writeFileNoFollow(executable, data, 0o755);
    // The files beside the executable go with it (they also require one another).
    for (const c of companions) writeFileNoFollow(join(target, c.name), c.data, 0o644);
    return executable;
  });
  // 0600: it holds the team's credentials blocks, if any, and nobody else needs to read it.
  writeFileNoFollow(cliConfigFile, cliConfig, 0o600);
  // The directory usually sits in the team's repository (`.cpq-sso` by default): it ignores
  // itself, so `git add .` commits neither their tokens nor a provider build. A .gitignore of
  // their own there is left as it is.
  const ignore = join(dir, ".gitignore");
  if (!existsSync(ignore)) writeFileNoFollow(ignore, INSTALL_GITIGNORE, 0o644);
  return {
    cliConfigFile,
    teamCliConfig: team,
    mirrorDir,
    executable: executables[0]!,
    executables,
    providerSource: PROVIDER_SOURCE,
    version,
  };
}

const USAGE = `Usage: cpq-sso install [--dir D] [--cli-config FILE|none]

Installs the cpq provider into a local filesystem mirror under D (default ./.cpq-sso), for
Terraform and OpenTofu alike (as registry.terraform.io/cpq-sso/cpq and
registry.opentofu.org/cpq-sso/cpq), and writes D/terraform.rc, a CLI configuration that uses
it. Then:

  export TF_CLI_CONFIG_FILE=D/terraform.rc
  terraform init        (or: tofu init)

TF_CLI_CONFIG_FILE replaces your own CLI configuration, so D/terraform.rc keeps it: what
terraform reads now (TF_CLI_CONFIG_FILE if set; else ~/.terraformrc and the *.tfrc and
*.tfrc.json files of ~/.terraform.d, where terraform login keeps its tokens; on Windows
%APPDATA%\\terraform.rc and %APPDATA%\\terraform.d) is copied into it as written (credentials,
host blocks, plugin_cache_dir, other mirrors), with the mirror added to its
provider_installation block for cpq-sso/cpq only. Run install again after you change yours
(or after terraform login).
  --cli-config FILE   keep FILE instead
  --cli-config none   keep none: D/terraform.rc names the mirror alone
`;

/** `cpq-sso install [--dir D] [--cli-config FILE|none]`; returns the exit code. */
export async function runInstall(argv: string[]): Promise<number> {
  let dir: string | undefined;
  let cliConfig: InstallOptions["cliConfig"] = "auto";
  try {
    const args = parseCommandLine(
      argv,
      { options: { dir: { type: "string" }, "cli-config": { type: "string" } } },
      USAGE,
    );
    if (args === "help") {
      process.stdout.write(USAGE);
      return 0;
    }
    dir = args.values.dir;
    const named = args.values["cli-config"];
    if (named !== undefined) cliConfig = named === "none" ? "none" : { file: named };
  } catch (err) {
    process.stderr.write(`cpq-sso install: ${(err as Error).message}`);
    return 64;
  }
  try {
    const r = installProvider({ ...(dir === undefined ? {} : { dir }), cliConfig });
    const kept = r.teamCliConfig;
    process.stdout.write(
      `Installed ${PROVIDER_SOURCE} ${r.version}:\n` +
        r.executables.map((e) => `  provider:          ${e}\n`).join("") +
        `  CLI configuration: ${r.cliConfigFile}\n` +
        (kept.files.length === 0
          ? `    the mirror alone: no CLI configuration of yours to keep (${kept.why})\n`
          : `    kept your CLI configuration (${kept.why}), with the mirror added; read:\n` +
            kept.files.map((f) => `      ${f}\n`).join("")) +
        `\nUse it with:\n  export TF_CLI_CONFIG_FILE=${r.cliConfigFile}\n`,
    );
    return 0;
  } catch (err) {
    process.stderr.write(`cpq-sso install: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
