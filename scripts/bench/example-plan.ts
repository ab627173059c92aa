/** Section 2: `terraform plan` of examples/basic, next to as many `terraform_data` resources. */
import { startSimulator } from "../../simulator";
import { stats } from "./measure";
import { Workspace, log } from "./runner";
import type { Options, Row } from "./runner";
import { exampleWorkspace, synthesizeExample, terraformDataConfig } from "./stacks";

export async function examplePlan(
  opts: Options,
  root: string,
  cliConfigFile: string,
): Promise<Row> {
  log(`2. examples/basic: synthesize, then ${opts.runs} plans and as many terraform_data plans`);
  const { stackJson, count } = synthesizeExample(root);
  const sim = await startSimulator({ port: 0 });
  try {
    const example = exampleWorkspace(root, "example", cliConfigFile, sim, stackJson);
    const floor = new Workspace(root, "example-floor", cliConfigFile, {});
    floor.write(terraformDataConfig(count));
    await example.timed(["init"]);
    await floor.timed(["init"]);
    await example.timedPlan();
    await floor.timedPlan();
    const xs: number[] = [];
    const fs: number[] = [];
    for (let i = 0; i < opts.runs; i++) {
      xs.push(await example.timedPlan());
      fs.push(await floor.timedPlan());
    }
    return {
      section: 2,
      what: `terraform plan, examples/basic (${count} resources)`,
      figure: stats(xs),
      floors: [{ label: `plan of ${count} terraform_data`, ms: stats(fs).median }],
      goal: { ratio: 3, text: "< 3x terraform_data" },
    };
  } finally {
    await sim.close();
  }
}
