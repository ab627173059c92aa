/**
 * The simulator as a test file's fixture: started with the file's options before its tests,
 * reset before each, closed after the last, by the jest hooks the fixture registers. The
 * integration tier uses it directly; the end-to-end tier's fixture (e2e-fixture.ts) builds on it.
 */
import { startSimulator } from "../../simulator";
import type { RunningSimulator, SimulatorOptions } from "../../simulator";
import { SimAdmin } from "../../tooling/sim-admin";

/** What a test file (or a `describe` of it) asks of its {@link SimulatorFixture}. */
export interface SimulatorFixtureProps {
  /**
   * The simulator's options; it always listens on a free port.
   * @default {} (the default seed)
   */
  readonly options?: Omit<SimulatorOptions, "port">;
  /**
   * Resets the simulator (state, faults, request log, behaviour) before each test, so that no
   * test sees another's changes. `false` for tests that only read, or that are the steps of one
   * flow.
   * @default true
   */
  readonly resetEachTest?: boolean;
}

/**
 * Construct it at the top of a `describe` (or of the file): it registers its hooks there, ahead
 * of the block's own, so the simulator is up and reset before the block's `beforeAll` and
 * `beforeEach`. A `describe` that needs a simulator of other options constructs its own.
 */
export class SimulatorFixture {
  private running: RunningSimulator | undefined;
  private admin: SimAdmin | undefined;

  constructor(props: SimulatorFixtureProps = {}) {
    beforeAll(async () => {
      this.running = await startSimulator({ ...props.options, port: 0 });
      this.admin = SimAdmin.of(this.running);
    });
    if (props.resetEachTest !== false) {
      beforeEach(async () => {
        await this.sim.reset();
      });
    }
    afterAll(async () => {
      await this.running?.close();
    });
  }

  /** The running simulator: its URL, the credentials it accepts and its behaviour. */
  get simulator(): RunningSimulator {
    return this.ready(this.running);
  }

  /** The simulator's admin surface, and its CPQ API as the site's administrator. */
  get sim(): SimAdmin {
    return this.ready(this.admin);
  }

  private ready<T>(value: T | undefined): T {
    if (value !== undefined) return value;
    throw new Error(
      "the simulator is used before its beforeAll ran (construct the fixture inside the describe)",
    );
  }
}
