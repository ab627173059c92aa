/**
 * The reliability stack: one SSO configuration and many partner logins on the simulator's
 * generated users, its terraform JSON, and the checks of it against CPQ and the state (used by the
 * reliability tests and the soak).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sha256 } from "./sim-admin";
import type { SimAdmin } from "./sim-admin";
import { cpqProviderConfig } from "./tf-dir";
import type { TfDir } from "./tf-dir";

const REPO = join(__dirname, "..");

export const SSO = "cpq_sso_configuration";
export const LOGIN = "cpq_user_integration_login";
/** The simulator's OAuth identity-provider tab: a login only, so many logins stay cheap. */
export const TAB = "idp";

/** What the stack declares; the soak changes it a little every round. */
export interface StackSpec {
  readonly logoutUrl: string;
  /** The keystore store password, given as a write-only attribute from an ephemeral variable. */
  readonly storePass: string;
  /** One entry per generated user (index i is party number P0000i+1): its login, or null. */
  readonly logins: readonly (string | null)[];
}

/** The simulator's generated user number `i` (0-based): party number and CPQ login. */
export function generatedUser(i: number): { partyNumber: string; userLogin: string } {
  const n = String(i + 1).padStart(5, "0");
  return { partyNumber: `P${n}`, userLogin: `user${n}` };
}

/** Resource name of login `i` in the configuration. */
export const loginName = (i: number): string => `l${String(i + 1).padStart(3, "0")}`;

const KEYSTORE = Buffer.from("soak-keystore").toString("base64");
const KEY_PASS = "soak-key-pass";

/** Short retries and timeouts: the soak's faults are short, and rounds must stay fast. */
export const PROVIDER_SETTINGS = { max_retries: 4, request_timeout: 10 } as const;

/** The terraform JSON configuration of a stack. */
export function stackConfig(
  spec: StackSpec,
  provider: Record<string, unknown> = PROVIDER_SETTINGS,
): Record<string, unknown> {
  const cert = readFileSync(join(REPO, "test", "fixtures", "idp-cert.pem"), "utf8");
  const logins: Record<string, Record<string, unknown>> = {};
  spec.logins.forEach((login, i) => {
    if (login === null) return;
    const u = generatedUser(i);
    // Half by party number, half by CPQ login (resolved through the users list at plan).
    logins[loginName(i)] = {
      ...(i % 2 === 0 ? { party_number: u.partyNumber } : { user_login: u.userLogin }),
      tab: TAB,
      login,
    };
  });
  return {
    ...cpqProviderConfig(provider),
    variable: {
      store_pass: { type: "string", sensitive: true, ephemeral: true },
      key_pass: { type: "string", sensitive: true, ephemeral: true },
    },
    resource: {
      [SSO]: {
        sso: {
          sso_method: "Federated Authentication",
          saml_idp_url: "https://idp.example.com/saml2/sso",
          saml_issuer_url: "https://acme.bigmachines.com",
          id_provider_certificate: cert,
          saml_need_request_signed: true,
          saml_request_keystore: KEYSTORE,
          saml_store_pass_wo: "${var.store_pass}",
          saml_key_pass_wo: "${var.key_pass}",
          saml_logout_url: spec.logoutUrl,
        },
      },
      ...(Object.keys(logins).length ? { [LOGIN]: logins } : {}),
    },
  };
}

/** The variables the stack reads (its write-only secrets). */
export function stackEnv(spec: StackSpec): Record<string, string> {
  return { TF_VAR_store_pass: spec.storePass, TF_VAR_key_pass: KEY_PASS };
}

/** The first stack of a run: every login present. */
export function initialStack(logins: number): StackSpec {
  return {
    logoutUrl: "https://idp.example.com/logout/0",
    storePass: "soak-store-pass-0",
    logins: Array.from(
      { length: logins },
      (_, i) => `${generatedUser(i).userLogin}-0@idcs.example.com`,
    ),
  };
}

/** The state addresses a stack must have after a converged apply. */
export function expectedAddresses(spec: StackSpec): string[] {
  return [
    `${SSO}.sso`,
    ...spec.logins.flatMap((l, i) => (l === null ? [] : [`${LOGIN}.${loginName(i)}`])),
  ].sort();
}

/**
 * Where the live site (the simulator) and the state differ from the stack: a list of problems,
 * empty when everything the stack declares is in CPQ and in the state, and nothing else is.
 */
export async function divergence(spec: StackSpec, sim: SimAdmin, tf: TfDir): Promise<string[]> {
  const problems: string[] = [];
  const live = await sim.state();
  if (live.sso.samlLogoutUrl !== spec.logoutUrl) {
    problems.push(
      `CPQ samlLogoutUrl is ${JSON.stringify(live.sso.samlLogoutUrl)}, not ${spec.logoutUrl}`,
    );
  }
  const pass = live.sso.samlStorePass as { sha256?: string } | undefined;
  if (pass?.sha256 !== sha256(spec.storePass)) problems.push("CPQ holds another samlStorePass");
  spec.logins.forEach((login, i) => {
    const pn = generatedUser(i).partyNumber;
    const have = live.integrations[pn]?.[TAB]?.login ?? null;
    if (have !== login) {
      problems.push(`CPQ login of ${pn} is ${JSON.stringify(have)}, not ${JSON.stringify(login)}`);
    }
  });
  const addresses = tf.stateAddresses().sort();
  const expected = expectedAddresses(spec);
  const missing = expected.filter((a) => !addresses.includes(a));
  const extra = addresses.filter((a) => !expected.includes(a));
  if (missing.length) problems.push(`state lost ${missing.join(", ")}`);
  if (extra.length) problems.push(`state has extra ${extra.join(", ")}`);
  return problems;
}

/** Polls `check` every `everyMs` until it returns a value, for at most `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Where {@link plannedChanges} saves its plan, in the working directory. */
const CHECKED_PLAN = "check.tfplan";

/**
 * The addresses a plan would change, with their actions (`terraform show -json` of a plan). The
 * plan is saved as `planFile` in the working directory: a caller that goes on to apply it applies
 * that file (`tf.apply([planFile])`), exactly what was checked, without terraform planning again.
 */
export async function plannedChanges(
  tf: TfDir,
  env: Record<string, string>,
): Promise<{ code: number; changes: Record<string, string[]>; output: string; planFile: string }> {
  const planned = await tf.run(
    ["plan", "-input=false", "-no-color", "-detailed-exitcode", `-out=${CHECKED_PLAN}`],
    { env },
  );
  const output = `${planned.stdout}\n${planned.stderr}`;
  if (planned.code === 1) return { code: 1, changes: {}, output, planFile: CHECKED_PLAN };
  const shown = await tf.run(["show", "-json", "-no-color", CHECKED_PLAN], { env });
  const plan = JSON.parse(shown.stdout) as {
    resource_changes?: { address: string; change: { actions: string[] } }[];
  };
  const changes: Record<string, string[]> = {};
  for (const rc of plan.resource_changes ?? []) {
    if (rc.change.actions.join() !== "no-op") changes[rc.address] = rc.change.actions;
  }
  return { code: planned.code, changes, output, planFile: CHECKED_PLAN };
}
