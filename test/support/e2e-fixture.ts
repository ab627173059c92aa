/**
 * The end-to-end tier's one fixture: the provider installed, the simulator started with the
 * file's options, its admin client, and fresh terraform working directories against it, all set
 * up and torn down by the jest hooks the fixture registers.
 */
import { join } from "node:path";
import type { RunningSimulator, SimulatorOptions } from "../../simulator";
import { installProviderForTests } from "../../tooling/install";
import type { ProviderInstall } from "../../tooling/install";
import type { SimAdmin } from "../../tooling/sim-admin";
import { runCommand } from "./run-command";
import type { RunResult } from "./run-command";
import { SimulatorFixture } from "./simulator-fixture";
import { cpqEnv, terraformEnv } from "../../tooling/terraform-env";
import { TfDir } from "../../tooling/tf-dir";

/** The cpq-sso command as a user's shell runs it (the package's bin, on the built bundle). */
const CPQ_SSO_BIN = join(__dirname, "..", "..", "bin", "cpq-sso.js");

/** What a test file asks of its {@link E2eFixture}. */
export interface E2eFixtureProps {
  /**
   * The simulator's options (it always listens on a free port), or `false` for the files that
   * need no CPQ: then there is no `sim`, `simulator` or `env`, and workspaces get no CPQ settings.
   * @default {} (the default seed)
   */
  readonly simulator?: Omit<SimulatorOptions, "port"> | false;
  /**
   * The provider: `warm`, the built one with the test run's warmed code cache, as users run it
   * from their second run on; `cold`, with an empty cache of its own, for the tests of the cache;
   * or a function returning another install (the plugin tests' fixture provider).
   * @default "warm"
   */
  readonly install?: "warm" | "cold" | (() => ProviderInstall | Promise<ProviderInstall>);
  /**
   * Resets the simulator (state, faults, request log, behaviour) before each test, so that no
   * test sees another's changes. `false` for a file whose tests are the steps of one flow.
   * @default true
   */
  readonly resetEachTest?: boolean;
}

/**
 * Construct it at the top of the file's `describe`: it registers its hooks there, ahead of the
 * file's own, so the simulator is up and reset before the file's `beforeAll` and `beforeEach`.
 */
export class E2eFixture {
  private installed: ProviderInstall | undefined;
  private readonly simulatorFixture: SimulatorFixture | undefined;
  private inTest = false;
  private readonly testDirs: TfDir[] = [];
  private readonly fileDirs: TfDir[] = [];

  constructor(private readonly props: E2eFixtureProps = {}) {
    beforeAll(async () => {
      const install = props.install ?? "warm";
      this.installed =
        typeof install === "function"
          ? await install()
          : installProviderForTests({ codeCache: install });
    });
    beforeEach(() => {
      this.inTest = true;
    });
    afterEach(() => {
      this.inTest = false;
      for (const d of this.testDirs.splice(0)) d.dispose();
    });
    afterAll(() => {
      for (const d of this.fileDirs.splice(0)) d.dispose();
    });
    // Its hooks come after the ones above, which jest runs in the order they were registered: the
    // provider is installed before the simulator starts, and the workspaces are removed before it
    // closes.
    if (props.simulator !== false) {
      this.simulatorFixture = new SimulatorFixture({
        options: props.simulator ?? {},
        resetEachTest: props.resetEachTest ?? true,
      });
    }
  }

  /** The provider as installed for this file. */
  get install(): ProviderInstall {
    return this.ready(this.installed);
  }

  /** The running simulator: its URL and the credentials it accepts. */
  get simulator(): RunningSimulator {
    return this.ready(this.simulatorFixture).simulator;
  }

  /** The simulator's admin surface, and its CPQ API as the site's administrator. */
  get sim(): SimAdmin {
    return this.ready(this.simulatorFixture).sim;
  }

  /** The provider's settings for the simulator (`CPQ_BASE_URL` and its admin login), and `extra`. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return { ...cpqEnv(this.simulator), ...extra };
  }

  /**
   * A fresh terraform working directory with the provider set to the simulator (`env` overrides
   * that, or adds variables). Removed after the test that made it, or after the file's last test
   * when made in a `beforeAll`.
   */
  workspace(env: Record<string, string> = {}): TfDir {
    const dir = new TfDir(this.install, this.siteEnv(env));
    (this.inTest ? this.testDirs : this.fileDirs).push(dir);
    return dir;
  }

  /**
   * A {@link workspace} that starts as a copy of `template` (see {@link TfDir.copyFrom}): its
   * configuration, initialized providers and state, with no `terraform init` of its own. With a
   * simulator checkpoint taken after the template's apply, each test starts from the same
   * baseline without applying it again.
   */
  workspaceFrom(template: { readonly dir: string }, env: Record<string, string> = {}): TfDir {
    return this.workspace(env).copyFrom(template);
  }

  /**
   * A baseline several tests of the file start from, built once, since its init and apply are
   * their set-up, not their subject, and an apply costs seconds of CPU. Registers a `beforeAll`
   * that writes `config` in a workspace `make` gives (the file's own variables in it), inits and
   * applies it, and keeps the simulator's checkpoint of what the apply left. The function it
   * returns, called in a test, restores that checkpoint (after the fixture's reset) and makes
   * `into` a copy of the applied workspace: the site and the state the test's own init and apply
   * would have left. Tests that do not call it start from the seed as before.
   */
  appliedBaseline(
    config: unknown,
    make: () => TfDir = () => this.workspace(),
  ): (into: TfDir) => Promise<TfDir> {
    let template: TfDir | undefined;
    beforeAll(async () => {
      template = make();
      template.write(config);
      await template.init();
      await template.mustApply();
      await this.sim.checkpoint();
    });
    return async (into) => {
      if (template === undefined) throw new Error("the baseline is applied in a beforeAll first");
      await this.sim.restore();
      return into.copyFrom(template);
    };
  }

  /**
   * Runs the cpq-sso command (`drift`, `ci`, `report`, ...) in `cwd` with the environment a
   * {@link workspace} made with the same `env` runs terraform with: the installed provider, its
   * code cache, and the provider's settings for the simulator.
   */
  cpqSso(
    args: readonly string[],
    opts: { readonly cwd: string; readonly env?: Record<string, string> },
  ): Promise<RunResult> {
    return runCommand(process.execPath, [CPQ_SSO_BIN, ...args], {
      cwd: opts.cwd,
      env: terraformEnv(this.install.cliConfigFile, {
        CPQ_SSO_CODE_CACHE: this.install.codeCacheDir,
        ...this.siteEnv(opts.env ?? {}),
      }),
    });
  }

  private siteEnv(env: Record<string, string>): Record<string, string> {
    return this.props.simulator === false ? env : this.env(env);
  }

  private ready<T>(value: T | undefined): T {
    if (value !== undefined) return value;
    throw new Error(
      this.installed !== undefined && this.props.simulator === false
        ? "this E2eFixture was made with simulator: false"
        : "the E2eFixture is used before its beforeAll ran (construct it inside the describe)",
    );
  }
}
