/**
 * The `cpq-sso` command. Each subcommand's module is required only when it runs, so `cpq-sso
 * schema` does not load the simulator and `cpq-sso simulator` does not load the plugin server.
 */
/* eslint-disable @typescript-eslint/no-require-imports */

const USAGE = `cpq-sso: Oracle CPQ single sign-on as code

Usage:
  cpq-sso simulator [--port N] [--state-file F]   run the CPQ REST simulator on loopback
  cpq-sso install [--dir D]                       make the Terraform provider available offline
  cpq-sso report [PLAN_JSON] [--markdown F] [--json F] pull-request comment for \`terraform show -json\` of a plan
  cpq-sso report --apply [OUTPUT_JSON] [--plan PLAN_JSON] [--exit-code-on-restart N]
                                                  the pending restart after apply (also after a failed one)
  cpq-sso drift [--dir STACK] [--json F] [--certificate-days N]
                                                  read-only drift check: exit 0 in sync, 2 drift, 1 error
  cpq-sso ci plan-comment|apply|drift ARGS...     run a CI recipe shipped with the package
  cpq-sso exec [--provider F] -- COMMAND [ARGS...] run COMMAND with one provider process for all its terraform commands
  cpq-sso schema --json                           print the provider schema (terraform providers schema -json shape)
  cpq-sso version                                 print the version
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "simulator":
      return (
        require("../../simulator/cli") as typeof import("../../simulator/cli")
      ).runSimulatorCli(rest);
    case "install":
      return (require("./install") as typeof import("./install")).runInstall(rest);
    case "report":
      return (require("./report") as typeof import("./report")).runReport(rest);
    case "drift":
      return (require("./drift") as typeof import("./drift")).runDrift(rest);
    case "ci":
      return (require("./ci") as typeof import("./ci")).runCi(rest);
    case "exec":
      return (require("./exec") as typeof import("./exec")).runExec(rest);
    case "schema":
      return (require("./schema-command") as typeof import("./schema-command")).runSchema(rest);
    case "version":
    case "--version":
      process.stdout.write(
        `${(require("../version") as typeof import("../version")).packageVersion()}\n`,
      );
      return 0;
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`cpq-sso: unknown command "${command}"\n\n${USAGE}`);
      return 64;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`cpq-sso: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
