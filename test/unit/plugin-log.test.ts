import { createLogger, logLevelFromEnv } from "../../provider/plugin/log";

describe("plugin log level", () => {
  it("follows TF_LOG_PROVIDER, then TF_LOG, and keeps warnings when neither asks for more", () => {
    expect(logLevelFromEnv({})).toBe("warn");
    expect(logLevelFromEnv({ TF_LOG: "off" })).toBe("warn");
    expect(logLevelFromEnv({ TF_LOG: "DEBUG" })).toBe("debug");
    expect(logLevelFromEnv({ TF_LOG: "json" })).toBe("trace");
    expect(logLevelFromEnv({ TF_LOG: "info", TF_LOG_PROVIDER: "trace" })).toBe("trace");
  });

  it("drops lines below the level and writes the others", () => {
    const lines: string[] = [];
    const logger = createLogger("provider.cpq", (l) => lines.push(l), "warn");
    logger.debug("rpc done", { rpc: "PlanResourceChange" });
    logger.info("stop requested");
    logger.warn("slow");
    logger.error("rpc failed");
    expect(lines.map((l) => (JSON.parse(l) as Record<string, string>)["@level"])).toEqual([
      "warn",
      "error",
    ]);
  });
});
