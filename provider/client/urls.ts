/**
 * The rule for the URLs the provider talks to (the site, the OAuth token endpoint). A module that
 * imports only the neutral loopback rule, so the provider checks them at validation (and the constructs at synth) without
 * loading the client's options and errors into every provider start.
 */
import { isLoopbackHost } from "../../common/loopback";

// Re-exported: the client's public surface and the resources' checks name it from here.
export { isLoopbackHost };

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
