/**
 * The rule for the URLs the provider talks to (the site, the OAuth token endpoint). A module that
 * imports nothing, so the provider checks them at validation (and the constructs at synth) without
 * loading the client's options and errors into every provider start.
 */

/** True for `localhost`, 127.0.0.0/8 and ::1: the only hosts plain http may reach. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (host === "localhost" || host === "::1") return true;
  // URL normalises IPv4 (including short and hex forms) to dotted quads, so this is exact.
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (v4 !== null) return v4[1] === "127";
  // IPv4-mapped IPv6 of a 127/8 address, as URL normalises it (::ffff:7f00:1).
  return /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(host);
}

/**
 * What is wrong with a site or token URL, or undefined: absolute, no credentials in it, https
 * (plain http to loopback hosts only). Shared by the client and the provider's plan-time checks.
 * Never echoes the value: a malformed URL may still hold a password.
 */
export function serviceUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "is not an absolute URL; give e.g. https://example.bigmachines.com.";
  }
  if (url.username !== "" || url.password !== "") {
    return "must not carry credentials in the URL; give them separately.";
  }
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:") {
    if (isLoopbackHost(url.hostname)) return undefined;
    return `plain http is only allowed to loopback hosts (localhost, 127.0.0.0/8, ::1), not ${url.hostname}; use https.`;
  }
  return `protocol ${url.protocol} is not supported; use https.`;
}
