/** `GET|POST /rest/{version}/ssoConfiguration` (documented by Oracle; merge rules assumed). */
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
          const out: Record<string, string> = {};
          for (const f of SSO_FIELDS) if (!SSO_WRITE_ONLY_FIELDS.includes(f)) out[f] = sso[f];
          return ok(out);
        },
        POST: async (ctx) => {
          const body = jsonBody(ctx);
          const { restartRequired } = await s.state.mutate((draft) => {
            const r = mergeSsoBody(draft.sso, body);
            draft.sso = r.merged;
            return r;
          });
          return ok({ restartRequired: restartRequired ? "true" : "false", statusCode: "200" });
        },
      },
    },
  ];
}
