/**
 * `GET|POST /rest/{version}/ssoConfiguration` (documented by Oracle). What a POST does with the
 * fields it leaves out, and whether GET shows the passwords, Oracle does not say: the behaviour
 * options `ssoPost` and `ssoGetReturnsPasswords` choose.
 */
import type { Route } from "../http";
import { jsonBody, ok } from "../http";
import type { Services } from "../services";
import { mergeSsoBody } from "../validation";
import { SSO_FIELDS, SSO_WRITE_ONLY_FIELDS } from "../wire";

/** The SSO configuration routes, relative to `/rest/{version}`. */
export function ssoRoutes(s: Services): Route[] {
  return [
    {
      pattern: /^\/ssoConfiguration$/,
      methods: {
        GET: () => {
          const sso = s.state.value.sso;
          const withPasswords = s.behavior.current.ssoGetReturnsPasswords;
          const out: Record<string, string> = {};
          for (const f of SSO_FIELDS) {
            if (withPasswords || !SSO_WRITE_ONLY_FIELDS.includes(f)) out[f] = sso[f];
          }
          return ok(out);
        },
        POST: async (ctx) => {
          const body = jsonBody(ctx);
          const mode = s.behavior.current.ssoPost;
          const { restartRequired } = await s.state.mutate((draft) => {
            const r = mergeSsoBody(draft.sso, body, mode);
            draft.sso = r.merged;
            return r;
          });
          return ok({ restartRequired: restartRequired ? "true" : "false", statusCode: "200" });
        },
      },
    },
  ];
}
