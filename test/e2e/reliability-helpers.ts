/**
 * What each reliability test file shares: the built provider installed once, one simulator with
 * generated users and its admin surface, and fresh terraform working directories against them.
 */
import { startSimulator } from "../../simulator";
import type { RunningSimulator } from "../../simulator";
import { cpqEnv } from "../support/terraform-env";
import { installProviderForTests } from "../support/install";
import type { ProviderInstall } from "../support/install";
import { SimAdmin } from "../support/sim-admin";
import { TfDir } from "../support/tf-dir";

/** Registers the file's `beforeAll`/`afterAll`; read `sim` and call `workspace()` in its tests. */
export class ReliabilityFixture {
  private simulator: RunningSimulator | undefined;
  private admin: SimAdmin | undefined;
  private install: ProviderInstall | undefined;

  constructor(generatedUsers: number) {
    beforeAll(async () => {
      this.install = installProviderForTests();
      this.simulator = await startSimulator({ port: 0, generatedUsers });
      this.admin = new SimAdmin(this.simulator.url);
    });
    afterAll(async () => {
      await this.simulator?.close();
    });
  }

  /** The simulator's admin surface (faults, request log, reset). */
  get sim(): SimAdmin {
    if (!this.admin) throw new Error("the reliability fixture is used before its beforeAll ran");
    return this.admin;
  }

  /** A fresh terraform working directory whose provider talks to the simulator. */
  workspace(): TfDir {
    if (!this.simulator || !this.install)
      throw new Error("the reliability fixture is used before its beforeAll ran");
    return new TfDir(this.install, cpqEnv(this.simulator));
  }
}
