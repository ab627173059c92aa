// The simulator's command line, read by the shared parseCommandLine: the documented flags keep
// their meaning, switches take --flag, --no-flag and the =true / =false spelling. Starts no server.
import { parseSimulatorArgs } from "../../simulator/cli";

describe("the simulator's command line", () => {
  it("defaults to port 8080 and sets nothing else", () => {
    expect(parseSimulatorArgs([])).toEqual({ port: 8080 });
  });

  it("reads every value flag, separated or inline", () => {
    expect(
      parseSimulatorArgs([
        "--port=0",
        "--host",
        "::1",
        "--state-file",
        "s.json",
        "--seed-file=seed.json",
        "--latency-ms",
        "25",
        "--users=3",
        "--unknown-expand",
        "ignore",
        "--sso-post=replace",
      ]),
    ).toEqual({
      port: 0,
      host: "::1",
      stateFile: "s.json",
      seedFile: "seed.json",
      latencyMs: 25,
      generatedUsers: 3,
      unknownExpand: "ignore",
      ssoPost: "replace",
    });
  });

  it.each([
    [["--batched-integrations"], { batchedIntegrations: true }],
    [["--batched-integrations=true"], { batchedIntegrations: true }],
    [["--batched-integrations=false"], { batchedIntegrations: false }],
    [["--no-batched-integrations"], { batchedIntegrations: false }],
    [["--sso-get-returns-passwords"], { ssoGetReturnsPasswords: true }],
    [["--sso-get-returns-passwords=true"], { ssoGetReturnsPasswords: true }],
    [["--sso-get-returns-passwords=false"], { ssoGetReturnsPasswords: false }],
    [["--no-sso-get-returns-passwords"], { ssoGetReturnsPasswords: false }],
  ])("reads the switch %j as %j", (argv, expected) => {
    expect(parseSimulatorArgs(argv)).toEqual({ port: 8080, ...expected });
  });

  it.each([
    [["--port", "abc"], /--port needs a whole number from 0 to 65535, got 'abc'/],
    [["--port"], /--port/],
    [["--users", "100001"], /--users needs a whole number from 0 to 100000/],
    [["--verbose"], /--verbose/],
    [["--state-file"], /--state-file/],
    [["--host="], /--host needs a value/],
    [["--unknown-expand", "warn"], /--unknown-expand needs one of refuse, ignore, got 'warn'/],
    [["--sso-post"], /--sso-post/],
    [["--batched-integrations=yes"], /--batched-integrations takes =true or =false .*got 'yes'/],
    [["--sso-get-returns-passwords="], /--sso-get-returns-passwords takes =true or =false/],
    [
      ["--batched-integrations", "--no-batched-integrations"],
      /--batched-integrations and --no-batched-integrations contradict each other/,
    ],
    [["extra"], /extra/],
  ])("refuses %j with a sentence naming the flag", (argv, message) => {
    const result = parseSimulatorArgs(argv);
    expect(typeof result).toBe("string");
    expect(result).toMatch(message);
  });

  it("answers help for --help and -h, whatever else is given", () => {
    expect(parseSimulatorArgs(["--port", "abc", "--help"])).toBe("help");
    expect(parseSimulatorArgs(["-h"])).toBe("help");
  });
});
