/**
 * Logging for the plugin process: one hclog JSON object per line on stderr. go-plugin's client in
 * Terraform reads these lines and re-logs them at their level, so `TF_LOG=debug` shows them beside
 * Terraform's own. Stdout belongs to the handshake line. Never pass attribute values here: they
 * may be secrets.
 */

/** hclog's levels. */
export type LogLevel = "trace" | "debug" | "info" | "warn" | "error";

/** Extra key-value pairs of a log line: names, counts, durations; never attribute values. */
export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

/** A small structured logger writing hclog JSON lines. */
export interface Logger {
  log(level: LogLevel, message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** A logger writing to `write` (stderr by default) under the module name `@module`. */
export function createLogger(
  module = "provider.cpq",
  write: (line: string) => void = (l) => process.stderr.write(l),
): Logger {
  const log = (level: LogLevel, message: string, fields: LogFields = {}): void => {
    const entry: Record<string, unknown> = {
      "@level": level,
      "@message": message,
      "@module": module,
      "@timestamp": new Date().toISOString(),
    };
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) entry[k] = v;
    write(JSON.stringify(entry) + "\n");
  };
  return {
    log,
    debug: (m, f) => log("debug", m, f),
    info: (m, f) => log("info", m, f),
    warn: (m, f) => log("warn", m, f),
    error: (m, f) => log("error", m, f),
  };
}
