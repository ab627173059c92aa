/**
 * `ServiceProviderMetadata`: CPQ's half of the SAML setup (`cpq_service_provider_metadata`),
 * read from the site at plan, with Terraform outputs holding what an identity provider's
 * application takes, so an IdP resource in the same stack (or a pipeline) reads them.
 */
import type { ITerraformDependable, TerraformProvider } from "cdktf";
import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import type { CpqProvider } from "./cpq-provider";
import { terraformProviderOf } from "./cpq-provider";
import { definedOnly, watchProps } from "./diagnostics";
import { DataCpqServiceProviderMetadata } from "./generated/data-cpq-service-provider-metadata";
import type { DataCpqServiceProviderMetadataConfig } from "./generated/data-cpq-service-provider-metadata";

/** Where to read CPQ's service provider metadata, and which outputs to add. */
export interface ServiceProviderMetadataProps {
  /**
   * The provider (site) to read.
   * @default - the stack's default `cpq` provider
   */
  readonly provider?: CpqProvider | TerraformProvider;
  /**
   * Resources to read after (e.g. the `SsoConfiguration`, whose issuer URL may be the entity id).
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * Add the outputs `<prefix>_entity_id`, `<prefix>_acs_url`, `<prefix>_single_logout_url` and
   * `<prefix>_signing_certificate`.
   * @default true
   */
  readonly outputs?: boolean;
  /**
   * The prefix of the outputs' names.
   * @default - the construct id
   */
  readonly outputPrefix?: string;
}

/**
 * CPQ's SAML service provider metadata, read at plan from the site's `/sso/spmetadata.jsp` (the
 * provider's `sp_metadata_path`). Its getters are what an IdP's SAML application takes: the
 * entity id (audience), the assertion consumer service URL (single sign-on / reply URL), the
 * single logout URL and, when CPQ signs its requests, its signing certificate.
 *
 * @example
 * const cpq = new ServiceProviderMetadata(this, "cpq_sp");
 * // e.g. an Okta app: sso_url = cpq.assertionConsumerServiceUrl, audience = cpq.entityId
 */
export class ServiceProviderMetadata extends Construct {
  /** The generated L1 data source, for escape hatches and its other attributes. */
  public readonly dataSource: DataCpqServiceProviderMetadata;
  /** The outputs added, by attribute (empty with `outputs: false`). */
  public readonly outputs: Readonly<Record<string, TerraformOutput>>;

  public constructor(scope: Construct, id: string, props: ServiceProviderMetadataProps = {}) {
    super(scope, id);
    // A prop this constructor never reads is a typo that would be dropped: refused at synth.
    props = watchProps(this, props);
    const provider = terraformProviderOf(props.provider);
    this.dataSource = new DataCpqServiceProviderMetadata(
      this,
      "Default",
      definedOnly<DataCpqServiceProviderMetadataConfig>({
        provider,
        dependsOn: props.dependsOn,
      }),
    );
    const prefix = props.outputPrefix ?? id;
    const outputs: Record<string, TerraformOutput> = {};
    if (props.outputs !== false) {
      const add = (name: string, value: string, description: string) => {
        const o = new TerraformOutput(this, name, { value, description });
        // Fixed, readable names: an IdP stack or a pipeline looks them up.
        o.overrideLogicalId(`${prefix}_${name}`);
        outputs[name] = o;
      };
      add("entity_id", this.entityId, "CPQ's SAML entity id: the IdP application's audience.");
      add(
        "acs_url",
        this.assertionConsumerServiceUrl,
        "CPQ's assertion consumer service: the IdP application's single sign-on (reply) URL.",
      );
      add(
        "single_logout_url",
        this.singleLogoutUrl,
        "CPQ's single logout service (null when CPQ publishes none).",
      );
      add(
        "signing_certificate",
        this.signingCertificate,
        "CPQ's request-signing certificate, PEM (null when CPQ does not sign its requests).",
      );
    }
    this.outputs = outputs;
  }

  /** CPQ's SAML entity id. */
  public get entityId(): string {
    return this.dataSource.entityId;
  }

  /** The default assertion consumer service's URL. */
  public get assertionConsumerServiceUrl(): string {
    return this.dataSource.assertionConsumerServiceUrl;
  }

  /** CPQ's single logout URL (null without one). */
  public get singleLogoutUrl(): string {
    return this.dataSource.singleLogoutUrl;
  }

  /** CPQ's signing certificate, PEM (null when it publishes none). */
  public get signingCertificate(): string {
    return this.dataSource.signingCertificate;
  }

  /** The metadata document itself, for an IdP that imports a metadata file. */
  public get metadataXml(): string {
    return this.dataSource.metadataXml;
  }
}
