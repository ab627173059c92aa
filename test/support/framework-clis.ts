/**
 * The framework CLIs of the README's Node.js matrix, and what each does on Node 24: the one list
 * that test/e2e/package-consumer.test.ts runs (each CLI in a team's app, on Node 22 and then on
 * 24) and test/unit/node-matrix.test.ts holds the README's table to.
 */

/** A framework's CLI: its package, exact version, command, and whether it runs on Node 24. */
export interface FrameworkCli {
  readonly pkg: string;
  readonly version: string;
  readonly bin: string;
  /** `runs`, or the error it stops with. Both run on Node 22. */
  readonly onNode24: "runs" | { readonly fails: string };
}

export const FRAMEWORK_CLIS = {
  cdktf: {
    pkg: "cdktf-cli",
    version: "0.21.0",
    bin: "cdktf",
    // node-pty's prebuilt modules stop at Node 22's ABI (127).
    onNode24: { fails: "Cannot find module '../build/Release/pty.node'" },
  },
  // Needs Node 22.19+ (`markAsUncloneable is not a function` on 20).
  cdktn: { pkg: "cdktn-cli", version: "0.24.0", bin: "cdktn", onNode24: "runs" },
} as const satisfies Record<"cdktf" | "cdktn", FrameworkCli>;
