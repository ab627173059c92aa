/**
 * The apply's batch of writes for `cpq_user_integration_logins`: thousands of saves and removals
 * started a window at a time (the client's limiter sets the pace), each failure caught as its
 * entry's outcome and reported one diagnostic an entry, up to a cap.
 */
import type { UserDirectory } from "../../cpq/user-directory";
import { sentence } from "../../cpq/logins";
import type { Diagnostic } from "../../contract/types";
import type { CpqClient } from "../../client";
import { err, plural, some } from "./words";

/** Failed entries reported one diagnostic each; the rest are summed up in one more. */
const FAILURES_SHOWN = 50;

/**
 * Tasks started at most {@link WRITE_WINDOW} at a time, their results in input order. The client's
 * limiter sets the pace (`max_concurrency`); this only keeps the queue in front of it short.
 */
const WRITE_WINDOW = 256;

export async function inFlight<T, R>(
  items: readonly T[],
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(WRITE_WINDOW, items.length) }, worker));
  return results;
}

/** What became of one entry's write. */
export type Outcome =
  { readonly ok: true } | { readonly ok: false; readonly key: string; readonly reason: string };

/** One entry's write, its failure caught as the entry's outcome. */
export async function outcome(key: string, write: () => Promise<void>): Promise<Outcome> {
  try {
    await write();
    return { ok: true };
  } catch (e) {
    return { ok: false, key, reason: e instanceof Error ? e.message : String(e) };
  }
}

/** What a save needs: the client's writes, and the directory that remembers what CPQ holds. */
export interface WriteContext {
  readonly client: Pick<CpqClient, "putUserIntegration" | "revokeUserIntegrationToken">;
  readonly directory: UserDirectory;
}

/** Saves one user's login; a login CPQ already has is left alone, a token of another revoked. */
export async function saveLogin(
  ctx: WriteContext,
  pn: string,
  tab: string,
  login: string,
): Promise<void> {
  const { integration } = await ctx.directory.login(pn, tab);
  if (integration?.login === login) return;
  // The stored token belongs to the old login: revoked before the new login is saved.
  if (integration?.tokenPresent) await ctx.client.revokeUserIntegrationToken(pn, tab);
  const saved = await ctx.client.putUserIntegration(pn, tab, { login, authType: "oauth" });
  ctx.directory.recordIntegration(pn, tab, saved);
}

/** One diagnostic per failed entry (up to {@link FAILURES_SHOWN}), then one for the rest. */
export function failureDiagnostics(
  failures: readonly { key: string; reason: string; removal: boolean }[],
  tab: string,
  created: boolean,
): Diagnostic[] {
  const after = created
    ? " The create failed part way, so it leaves no state (Terraform would mark it tainted, and its replacement would remove every login written and save it again): the next plan is a create again, and its apply writes only the entries CPQ does not hold as declared and removes no declared login."
    : " The other entries' writes stand: the state holds what was written, so the next plan shows only what is left.";
  const diags = failures
    .slice(0, FAILURES_SHOWN)
    .map((f) =>
      err(
        `Could not ${f.removal ? "remove" : "save"} the login of "${f.key}" on tab "${tab}"`,
        `${sentence(f.reason)}${after}`,
      ),
    );
  const rest = failures.slice(FAILURES_SHOWN);
  if (rest.length > 0) {
    diags.push(
      err(
        `${plural(rest.length, "more entry", "more entries")} of "logins" failed on tab "${tab}"`,
        `Also failed: ${some(rest.map((f) => f.key))}.${after}`,
      ),
    );
  }
  return diags;
}
