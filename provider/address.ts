/**
 * The provider's address, in its one home: the source written in `required_providers`, the
 * registry hosts a bare source resolves to, and the full addresses made from them. The plugin
 * (reattach), the schema JSON, the L1 bindings, the docs and `cpq-sso install`/`exec` all read it
 * from here. Imports nothing, so the plugin loads no more than these strings at start.
 */

/** The provider's source address, as written in `required_providers`. */
export const PROVIDER_SOURCE = "cpq-sso/cpq";

/**
 * The registry host names a bare `cpq-sso/cpq` source resolves to: Terraform reads it as
 * `registry.terraform.io/cpq-sso/cpq`, OpenTofu as `registry.opentofu.org/cpq-sso/cpq`. The mirror
 * serves the provider under both, so one installation works for either binary, and for a
 * configuration that spells the host out. Terraform's comes first.
 */
export const REGISTRY_HOSTS = ["registry.terraform.io", "registry.opentofu.org"] as const;

/**
 * The provider's full addresses, one per {@link REGISTRY_HOSTS} entry and in its order: what the
 * mirror serves, and what `cpq-sso exec` reattaches.
 */
export const PROVIDER_ADDRESSES: readonly string[] = REGISTRY_HOSTS.map(
  (host) => `${host}/${PROVIDER_SOURCE}`,
);

/**
 * The full address Terraform gives the provider (under `registry.terraform.io`): the key of
 * `TF_REATTACH_PROVIDERS` and of `provider_schemas` in `terraform providers schema -json`.
 */
export const PROVIDER_ADDRESS = `${REGISTRY_HOSTS[0]}/${PROVIDER_SOURCE}`;
