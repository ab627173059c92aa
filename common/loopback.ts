/**
 * Whether a host is loopback: a fact about host names, not about CPQ. It lives in `common/`, the
 * one folder both the provider and the simulator may import (it imports neither), because the
 * provider (plain http only to loopback) and the simulator (listens on loopback only) must give
 * the same answer for the same spelling; two copies had drifted apart (`LOCALHOST`,
 * `0:0:0:0:0:0:0:1` and `::ffff:7f00:1` answered differently). The simulator still imports
 * nothing from `provider/`, so the two do not share CPQ contract logic.
 */

/** Characters that make the text more than a host (a path, query, user info, zone or escape). */
const NOT_A_HOST = /[/?#@\\%\s]/;

/** An IPv4-mapped IPv6 address of 127/8, as URL writes it (`::ffff:127.0.0.1` becomes this). */
const MAPPED_V4_LOOPBACK = /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/;

/**
 * True for a loopback host in any spelling: `localhost` in any case, with or without a trailing
 * dot; IPv4 127.0.0.0/8 in any form the WHATWG URL parser accepts (`127.1`, `0x7f000001`,
 * `2130706433`, a trailing dot); `::1` in every IPv6 spelling (`0:0:0:0:0:0:0:1`, `0::1`,
 * upper case), with or without brackets; and IPv4-mapped 127/8 (`::ffff:127.0.0.1`,
 * `::ffff:7f00:1`). Names under `localhost` (`a.localhost`) are false: the system resolver may
 * send them elsewhere. Anything that is not a bare host (a port, path, zone ID) is false.
 * Takes either a raw host or a `URL`'s `hostname`; it parses the host the way URL does, so both
 * callers normalise the same way, with no imports.
 */
export function isLoopbackHost(host: string): boolean {
  if (host === "" || NOT_A_HOST.test(host)) return false;
  const bracketed = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  let url: URL;
  try {
    url = new URL(`http://${bracketed}`);
  } catch {
    return false;
  }
  if (url.port !== "" || url.pathname !== "/") return false;
  const name = url.hostname; // lower case, IPv4 as a dotted quad, IPv6 compressed in brackets
  if (name === "localhost" || name === "localhost.") return true;
  if (name === "[::1]") return true;
  if (MAPPED_V4_LOOPBACK.test(name)) return true;
  const v4 = /^(\d{1,3})\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.exec(name);
  return v4 !== null && v4[1] === "127";
}
