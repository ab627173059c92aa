/**
 * The simulator's own surface under `/__sim/`, for tests and demos: no authentication, never
 * faulted, never logged, and apart from every CPQ path so no client can reach it by mistake.
 */
import { z } from "zod";
import { behaviorSchema } from "../behavior";
import { HttpError, badRequest } from "../errors";
import { faultSpecSchema } from "../faults";
import type { RequestContext, Route } from "../http";
import { jsonBody, ok } from "../http";
import { MAX_GENERATED_USERS, simulatorUserSchema, toStoredUser } from "../seed";
import { MAX_CHECKPOINTS } from "../state";
import type { SimulatorUser } from "../seed";
import type { Services } from "../services";
import type { StoredUser } from "../wire";
import { integrationItem } from "../wire";
import { storedOrNotFound, userAndPartner } from "./integrations";

/** `POST /__sim/checkpoint` and `/__sim/checkpoint/{name}`; likewise `restore`. */
const CHECKPOINT_PATH = /^\/__sim\/checkpoint(?:\/(?<name>[^/]+))?$/;
const RESTORE_PATH = /^\/__sim\/restore(?:\/(?<name>[^/]+))?$/;
/** What a checkpoint's name may be: it is part of a path, and of the messages that name it. */
const CHECKPOINT_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The checkpoint a request names: `""` for the unnamed one; a 400 for a name out of form. */
function checkpointName(ctx: RequestContext): string {
  const name = ctx.params.name ?? "";
  if (name !== "" && !CHECKPOINT_NAME.test(name)) {
    throw badRequest(
      "SIM-INVALID-CHECKPOINT",
      "name",
      "A checkpoint's name is 1 to 64 letters, digits, '-' or '_' (e.g. /__sim/checkpoint/after-ack).",
    );
  }
  return name;
}

/** A JSON body parsed by `schema`; a 400 with `code` naming the first bad field otherwise. */
function parseBody<T>(schema: z.ZodType<T>, ctx: RequestContext, code: string, what: string): T {
  const r = schema.safeParse(jsonBody(ctx));
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw badRequest(
    code,
    issue?.path.join(".") ?? "",
    `Invalid ${what}: ${z.prettifyError(r.error)}`,
  );
}

/**
 * The body of `POST /__sim/users`: the seed file's `users` key, so a seed's users (or a part of
 * them) can be posted as they are written there.
 */
const addUsersSchema = z.strictObject({
  users: z.array(simulatorUserSchema).min(1),
});

/** At most this many users are added while running, as `generatedUsers` caps the seed's. */
export const MAX_ADDED_USERS = MAX_GENERATED_USERS;

/**
 * Adds users after the seed's and the ones added before, with the seed's defaults; a 409 names
 * a party number or party id the site already has (or the body repeats), and nothing is added.
 */
async function addUsers(s: Services, ctx: RequestContext): Promise<readonly StoredUser[]> {
  const { users } = parseBody(addUsersSchema, ctx, "SIM-INVALID-USERS", "users");
  return s.state.mutate((draft) => {
    const current = s.state.users;
    if (draft.addedUsers.length + users.length > MAX_ADDED_USERS) {
      throw new HttpError(
        409,
        "SIM-TOO-MANY-USERS",
        `At most ${MAX_ADDED_USERS} users are added while running; ${draft.addedUsers.length} were. POST /__sim/reset starts again from the seed.`,
      );
    }
    const parties = new Set(current.map((u) => u.partyNumber));
    const ids = new Set(current.map((u) => u.partyId));
    // zod's optional fields read `| undefined`; the schema is SimulatorUser's, field for field.
    const added = users.map((u, i) => toStoredUser(u as SimulatorUser, current.length + i + 1));
    for (const [i, u] of added.entries()) {
      const clash = parties.has(u.partyNumber)
        ? `partyNumber ${u.partyNumber}`
        : ids.has(u.partyId)
          ? `partyId ${u.partyId}`
          : undefined;
      if (clash !== undefined) {
        throw new HttpError(409, "SIM-USER-EXISTS", [
          {
            detail: `The site already has a user with ${clash}; nothing was added. Give each user its own.`,
            "o:errorPath": `users.${i}.${clash.split(" ")[0]}`,
          },
        ]);
      }
      parties.add(u.partyNumber);
      ids.add(u.partyId);
    }
    draft.addedUsers = [...draft.addedUsers, ...added];
    return added;
  });
}

/** The admin routes (absolute paths). */
export function adminRoutes(s: Services): Route[] {
  return [
    {
      pattern: /^\/__sim\/state$/,
      methods: { GET: () => ok(s.state.view()) },
    },
    {
      pattern: /^\/__sim\/reset$/,
      methods: {
        POST: async () => {
          s.faults.clear();
          s.requests.clear();
          s.behavior.reset();
          await s.state.reset();
          return { status: 204 };
        },
      },
    },
    {
      // A checkpoint of the state (SSO settings, logins, edits, integrations, added users), so a
      // test file builds its baseline once and each test starts from it again; a name of its
      // own (`/__sim/checkpoint/after-ack`) for a later baseline beside the first, as a nested
      // group of tests needs. Reset keeps meaning "the seed" and leaves every checkpoint alone: a
      // test resets first, then restores. Nothing is answered but 204: the secrets never leave
      // the process.
      pattern: CHECKPOINT_PATH,
      methods: {
        POST: async (ctx) => {
          const name = checkpointName(ctx);
          if (!(await s.state.checkpoint(name))) {
            throw new HttpError(
              409,
              "SIM-TOO-MANY-CHECKPOINTS",
              `The simulator keeps at most ${MAX_CHECKPOINTS} checkpoints: reuse a name (POST /__sim/checkpoint/{name} replaces it), or POST /__sim/reset and start again.`,
            );
          }
          return { status: 204 };
        },
      },
    },
    {
      // Only the state: faults, the request log and the behaviour stay as they are.
      pattern: RESTORE_PATH,
      methods: {
        POST: async (ctx) => {
          const name = checkpointName(ctx);
          if (!(await s.state.restore(name))) {
            const which = name === "" ? "" : `/${name}`;
            throw new HttpError(
              409,
              "SIM-NO-CHECKPOINT",
              `There is no checkpoint to restore: POST /__sim/checkpoint${which} first (a checkpoint is kept in memory only, so a restarted simulator has none).`,
            );
          }
          return { status: 204 };
        },
      },
    },
    {
      // The behaviour choices of SimulatorBehavior, changeable without a restart; reset restores
      // the ones the simulator started with.
      pattern: /^\/__sim\/options$/,
      methods: {
        GET: () => ok(s.behavior.current),
        PATCH: (ctx) =>
          ok(s.behavior.update(parseBody(behaviorSchema, ctx, "SIM-INVALID-OPTIONS", "options"))),
      },
    },
    {
      pattern: /^\/__sim\/faults$/,
      methods: {
        GET: () => ok({ items: s.faults.list() }),
        POST: (ctx) =>
          ok({ id: s.faults.add(parseBody(faultSpecSchema, ctx, "SIM-INVALID-FAULT", "fault")) }),
        DELETE: () => {
          s.faults.clear();
          return { status: 204 };
        },
      },
    },
    {
      pattern: /^\/__sim\/requests$/,
      methods: {
        GET: () => ok({ items: s.requests.items() }),
        DELETE: () => {
          s.requests.clear();
          return { status: 204 };
        },
      },
    },
    {
      // Users added to a running site, as a seed file lists them: for a demo or a load test
      // that needs more users than the seed has, without a restart.
      pattern: /^\/__sim\/users$/,
      methods: {
        POST: async (ctx) => ok({ items: await addUsers(s, ctx) }, 201),
      },
    },
    {
      // The partner's side of OAuth: a token is generated by the partner, never by a client of
      // the CPQ API, so only this admin route can make `tokenPresent` true.
      pattern: /^\/__sim\/users\/(?<partyNumber>[^/]+)\/integrations\/(?<tab>[^/]+)\/token$/,
      methods: {
        POST: async (ctx) => {
          const { user, partner } = userAndPartner(s, ctx);
          if (!partner.oauthEnabled) {
            throw new HttpError(409, "SIM-NO-OAUTH", `${partner.partner} does not use OAuth.`);
          }
          const next = await s.state.mutate((draft) => {
            const tabs = draft.integrations[user.partyNumber];
            const stored = storedOrNotFound(tabs, user, partner);
            const updated = { ...stored, tokenPresent: true };
            draft.integrations[user.partyNumber] = { ...tabs, [partner.tab]: updated };
            return updated;
          });
          return ok(integrationItem(partner.tab, next));
        },
      },
    },
  ];
}
