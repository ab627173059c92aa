/**
 * The terraform configurations the sections measure: the login stacks on the simulator's
 * generated users, their `terraform_data` floors, the tests' trivial plugin provider, and
 * examples/basic synthesized (sections 2 and 7).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunningSimulator } from "../../simulator";
import { cpqEnv } from "../../tooling/terraform-env";
import { ROOT, TSX, Workspace } from "./runner";

const LOGINS_RESOURCE = "cpq_user_integration_login";

/** A stack of `count` `terraform_data` resources: Terraform's own cost for that many. */
export function terraformDataConfig(count: number): unknown {
  return {
    resource: {
      terraform_data: {
        r: { count, input: '${format("value-%05d", count.index)}' },
      },
    },
  };
}

/**
 * `count` `terraform_data` resources each holding, in `triggers_replace` (stored once, unlike
 * `input`, which Terraform copies to `output`), an object shaped like a login's state: the same
 * 16 attribute names and values of the same length. Terraform's own cost of an apply grows with
 * the size of each resource's state, so this is the floor a provider with this schema can reach.
 */
export function shapedTerraformDataConfig(count: number): unknown {
  const n = '${format("%05d", count.index + 1)}';
  return {
    resource: {
      terraform_data: {
        r: {
          count,
          triggers_replace: {
            auth_type: "oauth",
            id: `P${n}/idp`,
            login: `user${n}@idcs.example.com`,
            partner: "Oracle Identity Cloud Service",
            party_number: `P${n}`,
            password: null,
            password_wo: null,
            password_wo_version: null,
            saved_at: "2026-01-01T00:00:00.000Z",
            security_token: null,
            security_token_wo: null,
            security_token_wo_version: null,
            tab: "idp",
            token_present: false,
            user_login: null,
            validate_credentials: null,
          },
        },
      },
    },
  };
}

/** `count` resources of the tests' fixture provider, with a login's values; files under `dir`. */
export function trivialPluginResources(count: number, dir: string): unknown {
  return {
    terraform: { required_providers: { cpq: { source: "cpq-sso/cpq" } } },
    provider: { cpq: [{ prefix: `${dir}/` }] },
    resource: {
      cpq_fixture_file: {
        r: {
          count,
          path: '${format("P%05d-idp", count.index)}',
          content: '${format("user%05d@idcs.example.com", count.index)}',
        },
      },
    },
  };
}

/** The SSO configuration of the login stacks (sections 3, 6 and 7). */
export function ssoConfiguration(): unknown {
  return {
    sso: {
      sso_method: "Federated Authentication",
      saml_idp_url: "https://idp.example.com/saml2/sso",
      id_provider_certificate: readFileSync(
        join(ROOT, "examples", "basic", "idp-signing-cert.pem"),
        "utf8",
      ),
    },
  };
}

/** 1 SSO configuration and `count` logins on the simulator's generated users. */
export function loginsConfig(count: number): unknown {
  return {
    terraform: { required_providers: { cpq: { source: "cpq-sso/cpq" } } },
    provider: { cpq: [{}] },
    resource: {
      cpq_sso_configuration: ssoConfiguration(),
      [LOGINS_RESOURCE]: {
        u: {
          count,
          party_number: '${format("P%05d", count.index + 1)}',
          tab: "idp",
          login: '${format("user%05d@idcs.example.com", count.index + 1)}',
        },
      },
    },
  };
}

/** examples/basic synthesized (once per bench run), and its count of resources. */
export function synthesizeExample(root: string): { stackJson: unknown; count: number } {
  const out = join(root, "example-out");
  if (existsSync(join(out, "stacks", "basic", "cdk.tf.json"))) return readExample(out);
  const synth = spawnSync(process.execPath, [TSX, join(ROOT, "examples", "basic", "main.ts")], {
    env: { ...process.env, CDKTF_OUTDIR: out },
    encoding: "utf8",
    timeout: 120_000,
  });
  if (synth.status !== 0) throw new Error(`examples/basic did not synthesize:\n${synth.stderr}`);
  return readExample(out);
}

function readExample(out: string): { stackJson: unknown; count: number } {
  const stackJson = JSON.parse(
    readFileSync(join(out, "stacks", "basic", "cdk.tf.json"), "utf8"),
  ) as { resource?: Record<string, Record<string, unknown>> };
  const count = Object.values(stackJson.resource ?? {}).reduce(
    (n, byName) => n + Object.keys(byName).length,
    0,
  );
  return { stackJson, count };
}

/** A workspace holding examples/basic for the simulator `sim`, with its variables. */
export function exampleWorkspace(
  root: string,
  name: string,
  cliConfigFile: string,
  sim: RunningSimulator,
  stackJson: unknown,
): Workspace {
  const example = new Workspace(root, name, cliConfigFile, {
    ...cpqEnv(sim),
    TF_VAR_saml_request_keystore: Buffer.from("bench keystore").toString("base64"),
    TF_VAR_saml_store_pass: "bench-store-pass",
    TF_VAR_saml_key_pass: "bench-key-pass",
    TF_VAR_jdoe_erp_password: "jdoe-erp-password",
    TF_VAR_asmith_erp_password: "asmith-erp-password",
    TF_VAR_asmith_erp_token: "asmith-erp-token",
  });
  writeFileSync(join(example.dir, "cdk.tf.json"), JSON.stringify(stackJson));
  return example;
}
