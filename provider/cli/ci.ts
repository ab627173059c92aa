/**
 * `cpq-sso ci <recipe> [args...]`: runs one of the CI recipe scripts this package ships
 * (`ci/<recipe>.sh`, bash), so a team's workflow calls what it installed rather than files
 * copied from this repository. The script's exit code is passed through.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { constants } from "node:os";
import { join } from "node:path";
import { packageRoot } from "./io";

/** The recipes, by name: what each does, for the usage text. */
export const CI_RECIPES = {
  "plan-comment": "STACK_DIR OUT_DIR      plan and write OUT_DIR/comment.md and summary.json",
  apply:
    "STACK_DIR                     apply a saved plan; report the pending restart, also on failure",
  drift: "STACK_DIR REPORT_JSON         read-only drift check (0 in sync, 2 drift, 1 error)",
} as const;

const USAGE = `Usage: cpq-sso ci [--terraform BINARY] [--no-exec] <recipe> [args...]

Runs a CI recipe shipped with cpq-sso (see docs/ci-recipes.md):
${Object.entries(CI_RECIPES)
  .map(([name, what]) => `  cpq-sso ci ${name} ${what}`)
  .join("\n")}

STACK_DIR is any Terraform directory: HCL, or a synthesized CDKTF stack.
--terraform BINARY runs BINARY instead of terraform, e.g. tofu (default: the
TERRAFORM_BINARY_NAME environment variable, else terraform).
A recipe's terraform commands share one provider process (cpq-sso exec, see
docs/exec.md); --no-exec (or CPQ_SSO_EXEC=0) lets terraform start its own.
`;

/** The package's `ci/` folder. */
function ciDir(): string {
  const dir = join(packageRoot(), "ci");
  if (!existsSync(join(dir, "lib.sh"))) {
    throw new Error(`the CI recipes are missing from this installation (looked in ${dir})`);
  }
  return dir;
}

/** `cpq-sso ci`; resolves to the recipe's exit code. */
export function runCi(argv: string[]): Promise<number> {
  // The recipe's own arguments are paths: only --terraform and --no-exec, before the recipe,
  // are ours.
  let binary: string | undefined;
  let noExec = false;
  let rest = argv;
  for (;;) {
    if (rest[0] === "--no-exec") {
      noExec = true;
      rest = rest.slice(1);
      continue;
    }
    if (rest[0] !== "--terraform" && !rest[0]?.startsWith("--terraform=")) break;
    const inline = rest[0].startsWith("--terraform=");
    binary = inline ? rest[0].slice("--terraform=".length) : rest[1];
    if (binary === undefined || binary.trim() === "") {
      process.stderr.write(
        `cpq-sso ci: --terraform needs the binary to run, e.g. tofu\n\n${USAGE}`,
      );
      return Promise.resolve(64);
    }
    rest = rest.slice(inline ? 1 : 2);
  }
  const [recipe, ...args] = rest;
  if (recipe === undefined || recipe === "--help" || recipe === "-h") {
    process.stdout.write(USAGE);
    return Promise.resolve(recipe === undefined ? 64 : 0);
  }
  if (!Object.hasOwn(CI_RECIPES, recipe)) {
    process.stderr.write(`cpq-sso ci: unknown recipe "${recipe}"\n\n${USAGE}`);
    return Promise.resolve(64);
  }
  const script = join(ciDir(), `${recipe}.sh`);
  return new Promise((resolve, reject) => {
    const env = {
      ...process.env,
      ...(binary === undefined ? {} : { TERRAFORM_BINARY_NAME: binary }),
      // The recipes run themselves under `cpq-sso exec` (ci/lib.sh) unless this says not to.
      ...(noExec ? { CPQ_SSO_EXEC: "0" } : {}),
    };
    const child = spawn("bash", [script, ...args], { stdio: "inherit", env });
    // The runner's cancel reaches the script (and terraform under it) as it would reach bash.
    const forward = (signal: NodeJS.Signals): void => {
      child.kill(signal);
    };
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
    child.on("error", (err) =>
      reject(new Error(`could not run bash for the ${recipe} recipe: ${err.message}`)),
    );
    child.on("close", (code, signal) => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      // A script ended by a signal exits as a shell reports it: 128 + the signal number.
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}
