/**
 * A CPQ site's SSO settings in memory, behind the slice of the client `cpq_sso_configuration`
 * calls: GET answers the settings without the two passwords (as Oracle documents), and a POST is
 * merged into them or replaces them (Oracle does not say which; both are tested). CPQ answers
 * restartRequired when one of `restartFields` changes. `lose` makes the next POSTs time out:
 * `"after"` applies the POST first (the answer is late), `"before"` does not (the request never got
 * through); `"refused-after"` applies it and then fails as the transport does when an unclear
 * attempt was followed by a refused connection (CPQ restarting).
 */
import { CpqNetworkError, CpqTimeoutError } from "../../provider/client/errors";
import { SSO_READABLE_FIELDS } from "../../provider/client/wire";
import type { SsoPostMode } from "../../provider/resources/sso-configuration";

const READABLE: readonly string[] = SSO_READABLE_FIELDS;

export interface FakeSsoSiteOptions {
  /** @default "merge" */
  readonly semantics?: SsoPostMode;
  /** The wire fields whose change makes CPQ answer restartRequired. @default ["ssoMethod"] */
  readonly restartFields?: readonly string[];
}

export function fakeSsoSite(initial: Record<string, string>, options: FakeSsoSiteOptions = {}) {
  const semantics = options.semantics ?? "merge";
  const restartFields = options.restartFields ?? ["ssoMethod"];
  let stored: Record<string, string> = { ...initial };
  const posts: Record<string, string>[] = [];
  const lose: ("after" | "before" | "refused-after")[] = [];
  const timeout = () =>
    new CpqTimeoutError({ method: "POST", path: "/rest/v19/ssoConfiguration", timeoutMs: 1000 });
  const client = {
    getSsoConfiguration: () =>
      Promise.resolve(
        Object.fromEntries(Object.entries(stored).filter(([k]) => READABLE.includes(k))),
      ),
    postSsoConfiguration: (body: Readonly<Record<string, string>>) => {
      posts.push({ ...body });
      const fault = lose.shift();
      if (fault === "before") return Promise.reject(timeout());
      const restartRequired = Object.entries(body).some(
        ([k, v]) => restartFields.includes(k) && stored[k] !== v,
      );
      stored = semantics === "merge" ? { ...stored, ...body } : { ...body };
      if (fault === "after") return Promise.reject(timeout());
      if (fault === "refused-after") {
        const refused = new CpqNetworkError({
          method: "POST",
          path: "/rest/v19/ssoConfiguration",
          reason: "the connection was refused",
          causeCode: "ECONNREFUSED",
          fix: "Check that CPQ is up.",
        });
        refused.afterUnclearAttempt = true;
        return Promise.reject(refused);
      }
      return Promise.resolve({ restartRequired, statusCode: "200" });
    },
  };
  return {
    client,
    posts,
    lose,
    stored: () => stored,
    set: (v: Record<string, string>) => (stored = { ...stored, ...v }),
  };
}
