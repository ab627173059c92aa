/**
 * `POST /oauth2/v1/token`, the client-credentials grant (assumed endpoint). Its errors use the
 * OAuth 2.0 shape of RFC 6749 section 5.2, as a real authorization server answers, not CPQ's.
 */
import { parseBasic, safeEqual } from "../auth";
import type { Route, SimResponse } from "../http";
import type { Services } from "../services";

function oauthError(status: number, error: string, description: string): SimResponse {
  return {
    status,
    headers: {
      "Cache-Control": "no-store",
      ...(status === 401 ? { "WWW-Authenticate": 'Basic realm="oauth2"' } : {}),
    },
    json: { error, error_description: description },
  };
}

/** The token endpoint route (absolute path). */
export function oauthRoutes(s: Services): Route[] {
  return [
    {
      pattern: /^\/oauth2\/v1\/token$/,
      adminOnly: false,
      methods: {
        POST: (ctx) => {
          if (!/application\/x-www-form-urlencoded/i.test(ctx.headers["content-type"] ?? "")) {
            return oauthError(
              400,
              "invalid_request",
              "Send the token request as application/x-www-form-urlencoded.",
            );
          }
          const form = new URLSearchParams(ctx.rawBody.toString("utf8"));
          const basic = parseBasic(ctx.headers.authorization);
          const clientId = basic?.user ?? form.get("client_id");
          const clientSecret = basic?.password ?? form.get("client_secret");
          if (clientId === null || clientSecret === null) {
            return oauthError(401, "invalid_client", "Client id and secret are required.");
          }
          const client = s.seed.credentials.oauthClients.find(
            (c) => safeEqual(c.clientId, clientId) && safeEqual(c.clientSecret, clientSecret),
          );
          if (!client) return oauthError(401, "invalid_client", "Unknown client or wrong secret.");
          const grant = form.get("grant_type");
          if (grant !== "client_credentials") {
            return oauthError(
              400,
              "unsupported_grant_type",
              `grant_type must be client_credentials, not '${grant ?? ""}'.`,
            );
          }
          const { token, expiresIn } = s.issuer.issue();
          const scope = form.get("scope");
          return {
            status: 200,
            headers: { "Cache-Control": "no-store", Pragma: "no-cache" },
            json: {
              access_token: token,
              token_type: "Bearer",
              expires_in: expiresIn,
              ...(scope ? { scope } : {}),
            },
          };
        },
      },
    },
  ];
}
