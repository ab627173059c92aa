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

/**
 * hclog's timestamp, with six fractional digits: go-plugin parses `@timestamp` with the layout
 * `2006-01-02T15:04:05.000000Z07:00`, and a line whose timestamp does not parse (JavaScript's
 * three digits) is logged raw at DEBUG, so its own level is lost: an error vanished at
 * `TF_LOG=error`.
 */
function hclogTimestamp(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/** A small structured logger writing hclog JSON lines. */
export interface Logger {
  log(level: LogLevel, message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const RANK: Readonly<Record<LogLevel, number>> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4 };

/**
 * The lowest level Terraform would show, from the `TF_LOG_PROVIDER` or `TF_LOG` it passes on to
 * its plugins: below it, a line would only be parsed by Terraform and dropped. Unset or `off`
 * keeps warnings and errors; a value Terraform does not know means trace, as it does for itself.
 */
export function logLevelFromEnv(env: Readonly<Record<string, string | undefined>>): LogLevel {
  const v = (env.TF_LOG_PROVIDER || env.TF_LOG || "").trim().toLowerCase();
  if (v === "" || v === "off") return "warn";
  return v in RANK ? (v as LogLevel) : "trace";
}

/**
 * A logger writing to `write` (stderr by default) under the module name `@module`, dropping lines
 * below `minLevel`. Terraform starts a plugin per command and reads every line it writes, so the
 * per-RPC debug lines of a plan of thousands of resources are written only when asked for.
 */
export function createLogger(
  module = "provider.cpq",
  write: (line: string) => void = (l) => process.stderr.write(l),
  minLevel: LogLevel = "trace",
): Logger {
  const min = RANK[minLevel];
  const log = (level: LogLevel, message: string, fields: LogFields = {}): void => {
    if (RANK[level] < min) return;
    const entry: Record<string, unknown> = {
      "@level": level,
      "@message": message,
      "@module": module,
      "@timestamp": hclogTimestamp(new Date()),
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
