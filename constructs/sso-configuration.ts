/**
 * `SsoConfiguration`: the CPQ site's SAML SSO settings (`cpq_sso_configuration`), typed, checked
 * at synth by the same `validateConfiguration` the provider runs at plan, with Terraform
 * outputs saying whether a server restart is pending.
 */
import type { IResolvable, ITerraformDependable, TerraformProvider } from "cdktf";
import { Fn, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import type {
  DestroyBehavior,
  SamlUserIdLocation,
  SamlUserIdType,
  SsoMethod,
} from "../provider/resources/sso-configuration";
import { SSO_SECRETS, ssoConfigurationResource } from "../provider/resources/sso-configuration";
import { validateConfiguration } from "../provider/contract/attributes";
import { UNKNOWN } from "../provider/contract/types";
import type { CpqProvider } from "./cpq-provider";
import { terraformProviderOf } from "./cpq-provider";
import { definedOnly, reportWarnings, snake, validationInputOf, watchProps } from "./diagnostics";
import { SsoConfiguration as SsoConfigurationL1 } from "./generated/sso-configuration";
import type { IdpMetadata } from "./idp-metadata";
import { PlanWarning, tryReadIdpMetadata } from "./idp-metadata";
import type { SsoConfigurationConfig } from "./generated/sso-configuration";
import type { SecretValue, StoredSecret } from "./secrets";
import { propOfAttribute, resolveSecrets, secretProps, secretToken, useSecrets } from "./secrets";

export type { DestroyBehavior, SamlUserIdLocation, SamlUserIdType, SsoMethod };

/**
 * A keystore password: a secret sent write-only (the default: never stored in plan or state,
 * Terraform 1.11+), or, wrapped with `storedInState(...)`, kept sensitive in state.
 */
export type KeystorePassword = SecretValue | StoredSecret;

/**
 * The SSO settings of a CPQ site. Only the props you set are managed: CPQ keeps the others as
 * they are. Enum values are CPQ's own spellings.
 */
export interface SsoConfigurationProps {
  /**
   * Single sign-on method. A change needs a CPQ restart.
   * @default - not managed (CPQ keeps its value)
   */
  readonly ssoMethod?: SsoMethod;
  /**
   * The identity provider's SAML 2.0 metadata: the document's text, read at synth (e.g.
   * `readFileSync("idp-metadata.xml", "utf8")`). It gives `samlIdpUrl`, `idProviderCertificate`
   * (the first signing certificate) and the two logout endpoints, each unless that prop is set
   * too (a prop set wins, e.g. `idProviderCertificate: readIdpMetadata(xml).signingCertificates[1].pem`
   * to take the new certificate of a rollover). Metadata with two or more signing certificates
   * adds a warning, at synth and in every plan, saying which one CPQ holds. Metadata that is not
   * one identity provider's fails synth, saying what is missing; nothing it names is fetched.
   * @default - no metadata: the props alone
   */
  readonly idpMetadata?: string;
  /**
   * SAML identity provider URL; required with a federated method.
   * @default - not managed (or from `idpMetadata`)
   */
  readonly samlIdpUrl?: string;
  /**
   * Oracle CPQ issuer URL (the SAML entity id).
   * @default - not managed
   */
  readonly samlIssuerUrl?: string;
  /**
   * The identity provider's signing certificate, PEM or base64 DER; required with a federated
   * method. A change needs a CPQ restart.
   * @default - not managed (or from `idpMetadata`)
   */
  readonly idProviderCertificate?: string;
  /**
   * Sign SAML requests to the identity provider; then the keystore and both passwords are
   * required. A change needs a CPQ restart.
   * @default - not managed
   */
  readonly samlNeedRequestSigned?: boolean | IResolvable;
  /**
   * SAML request keystore (base64), from a sensitive variable. CPQ returns it, so drift is seen.
   * @default - not managed
   */
  readonly samlRequestKeystore?: SecretValue;
  /**
   * Keystore store password, from a sensitive variable: sent write-only (`saml_store_pass_wo`)
   * unless wrapped with `storedInState(...)` (`saml_store_pass`, kept sensitive in state).
   * @default - not managed
   */
  readonly samlStorePass?: KeystorePassword;
  /**
   * Change this number to send the write-only `samlStorePass` again (`saml_store_pass_wo_version`).
   * A changed password is detected without it, from a hash in private state.
   * @default - no version
   */
  readonly samlStorePassVersion?: number;
  /**
   * Keystore key password; as `samlStorePass` (`saml_key_pass_wo` or `saml_key_pass`).
   * @default - not managed
   */
  readonly samlKeyPass?: KeystorePassword;
  /**
   * Change this number to send the write-only `samlKeyPass` again (`saml_key_pass_wo_version`).
   * @default - no version
   */
  readonly samlKeyPassVersion?: number;
  /**
   * SAML requested NameID format; blank means transient.
   * @default - not managed
   */
  readonly requestedNameIdentifierFormat?: string;
  /**
   * Where users land after logging out of CPQ.
   * @default - not managed
   */
  readonly samlLogoutUrl?: string;
  /**
   * SAML single logout endpoint.
   * @default - not managed (or from `idpMetadata`, when it has a logout service)
   */
  readonly samlSingleLogoutEndpoint?: string;
  /**
   * SAML single logout response endpoint.
   * @default - not managed (or from `idpMetadata`, when it has a logout service)
   */
  readonly samlSingleLogoutResponseEndpoint?: string;
  /**
   * What identifies the user in the assertion.
   * @default - not managed
   */
  readonly samlUserIdType?: SamlUserIdType;
  /**
   * Where the user id is in the assertion; `idLocationAttribute` needs `samlAttributeName`.
   * @default - not managed
   */
  readonly samlUserIdLocation?: SamlUserIdLocation;
  /**
   * The assertion attribute that holds the user id, with `idLocationAttribute`.
   * @default - not managed
   */
  readonly samlAttributeName?: string;
  /**
   * On destroy: `retain` forgets the settings and leaves CPQ as it is; `disable` sets the SSO
   * method to `None`.
   * @default "retain"
   */
  readonly destroyBehavior?: DestroyBehavior;
  /**
   * The provider (site) to configure.
   * @default - the stack's default `cpq` provider
   */
  readonly provider?: CpqProvider | TerraformProvider;
  /**
   * Resources to create first.
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * Name of the Terraform output holding `restart_required`, read by a pipeline with
   * `terraform output -json`.
   * @default `${id}_restart_required`
   */
  readonly restartRequiredOutputId?: string;
  /**
   * When the CPQ site was restarted, RFC 3339 (e.g. `"2026-12-07T10:00:00Z"`): acknowledges the
   * pending restart (`restart_done_at`), so `restart_required` becomes false. In code, so the
   * acknowledgement is reviewed like any other change.
   * @default - none: a pending restart stays pending
   */
  readonly restartDoneAt?: string;
}

/** Prop names of the secrets, with the Terraform attributes each maps to. */
const PASSWORDS = secretProps(SSO_SECRETS, ["samlStorePass", "samlKeyPass"] as const);

/**
 * What `idpMetadata` gives, each unless its prop is set: the metadata's fields of these names.
 */
const FROM_METADATA = [
  "samlIdpUrl",
  "idProviderCertificate",
  "samlSingleLogoutEndpoint",
  "samlSingleLogoutResponseEndpoint",
] as const satisfies readonly (keyof IdpMetadata & keyof SsoConfigurationConfig)[];

/** The prop a Terraform attribute of `cpq_sso_configuration` comes from. */
const propOf = propOfAttribute(SSO_SECRETS);

/**
 * The SAML single sign-on configuration of a CPQ site (one per site). Every rule of the provider
 * is checked at synth: errors fail `app.synth()` naming this construct's path, the prop and the
 * Terraform attribute; warnings (URLs that are not https, certificates that do not parse or
 * expire soon) are annotations. Secrets must come from sensitive Terraform variables.
 *
 * @example
 * new SsoConfiguration(this, "sso", {
 *   ssoMethod: "Federated Authentication",
 *   samlIdpUrl: "https://idp.example.com/sso",
 *   idProviderCertificate: readFileSync("idp.pem", "utf8"),
 *   samlUserIdType: "assertionTypeUsername",
 *   samlUserIdLocation: "idLocationSubject",
 * });
 */
export class SsoConfiguration extends Construct {
  /** The generated L1 resource, for escape hatches (`addOverride`, `lifecycle`). */
  public readonly resource: SsoConfigurationL1;
  /** The Terraform output holding `restart_required`. */
  public readonly restartRequiredOutput: TerraformOutput;
  /**
   * `restart_required` as the text `"true"`/`"false"`, in the output named after
   * {@link restartRequiredOutput} with `_text`: `cdktf deploy`'s closing summary prints a boolean
   * output blank, a string as it is.
   */
  public readonly restartRequiredTextOutput: TerraformOutput;
  /** The Terraform output holding `restart_pending_since` (null when no restart is pending). */
  public readonly restartPendingSinceOutput: TerraformOutput;
  /** What `idpMetadata` said; undefined without it, or when it could not be read. */
  public readonly idpMetadata: IdpMetadata | undefined;

  public constructor(scope: Construct, id: string, props: SsoConfigurationProps = {}) {
    super(scope, id);
    // A prop this constructor never reads is a typo that would be dropped: refused at synth.
    props = watchProps(this, props);
    const passwords = resolveSecrets(PASSWORDS, props);
    const [storePass, keyPass] = passwords;
    const idp = props.idpMetadata === undefined ? undefined : tryReadIdpMetadata(props.idpMetadata);
    const fromIdp = idp && "metadata" in idp ? idp.metadata : undefined;
    this.idpMetadata = fromIdp;

    const given: Partial<Record<(typeof FROM_METADATA)[number], string>> = {};
    for (const k of FROM_METADATA) {
      const value = props[k] ?? fromIdp?.[k];
      if (value !== undefined) given[k] = value;
    }

    const provider = terraformProviderOf(props.provider);
    // "Default" is left out of logical ids: a top-level `SsoConfiguration(stack, "sso")` is the
    // Terraform address `cpq_sso_configuration.sso`, readable in plans and for `terraform import`.
    const l1Config = definedOnly<SsoConfigurationConfig>({
      ssoMethod: props.ssoMethod,
      ...given,
      samlIssuerUrl: props.samlIssuerUrl,
      samlNeedRequestSigned: props.samlNeedRequestSigned,
      samlRequestKeystore: props.samlRequestKeystore && secretToken(props.samlRequestKeystore),
      samlStorePass: storePass?.stored,
      samlStorePassWo: storePass?.writeOnly,
      samlStorePassWoVersion: props.samlStorePassVersion,
      samlKeyPass: keyPass?.stored,
      samlKeyPassWo: keyPass?.writeOnly,
      samlKeyPassWoVersion: props.samlKeyPassVersion,
      requestedNameIdentifierFormat: props.requestedNameIdentifierFormat,
      samlLogoutUrl: props.samlLogoutUrl,
      samlUserIdType: props.samlUserIdType,
      samlUserIdLocation: props.samlUserIdLocation,
      samlAttributeName: props.samlAttributeName,
      destroyBehavior: props.destroyBehavior,
      restartDoneAt: props.restartDoneAt,
      provider,
      dependsOn: props.dependsOn,
    });
    this.resource = new SsoConfigurationL1(this, "Default", l1Config);

    this.restartRequiredOutput = new TerraformOutput(this, "restart_required", {
      value: this.resource.restartRequired,
      description: `Whether a CPQ server restart is pending for ${this.node.path}: asked for by CPQ and not yet acknowledged with restartDoneAt.`,
    });
    // A fixed, readable name: pipelines look it up in `terraform output -json`.
    const outputId = props.restartRequiredOutputId ?? `${id}_restart_required`;
    this.restartRequiredOutput.overrideLogicalId(outputId);
    this.restartRequiredTextOutput = new TerraformOutput(this, "restart_required_text", {
      value: Fn.tostring(this.resource.restartRequired),
      description: `restart_required of ${this.node.path} as text, readable in cdktf deploy's summary.`,
    });
    this.restartRequiredTextOutput.overrideLogicalId(`${outputId}_text`);
    this.restartPendingSinceOutput = new TerraformOutput(this, "restart_pending_since", {
      value: this.resource.restartPendingSince,
      description: `Since when the restart of ${this.node.path} has been pending (RFC 3339), or null.`,
    });
    // Beside the flag's output, where cpq-sso report --apply looks for it.
    this.restartPendingSinceOutput.overrideLogicalId(
      outputId.endsWith("restart_required")
        ? `${outputId.slice(0, -"restart_required".length)}restart_pending_since`
        : `${outputId}_pending_since`,
    );

    // The provider's own rules, on what the L1 synthesizes in Terraform's names: unresolved
    // tokens (secrets from variables among them) are unknown to the rules, as at plan.
    const config = validationInputOf(l1Config);
    const errors: string[] = [];
    if (idp && "error" in idp) {
      // Metadata that could not be read leaves what it was to give unknown, not missing: its own
      // error says what is wrong, and "required" errors would only follow from it.
      errors.push(`idpMetadata: ${idp.error}.`);
      for (const k of FROM_METADATA) if (given[k] === undefined) config[snake(k)] = UNKNOWN;
    }
    errors.push(
      ...reportWarnings(this, validateConfiguration(ssoConfigurationResource, config), propOf),
    );
    // A rollover: CPQ holds one certificate, so every plan says which, until the metadata has
    // one again. Not when the certificate was chosen with idProviderCertificate.
    if (fromIdp?.rolloverWarning !== undefined && props.idProviderCertificate === undefined) {
      reportWarnings(
        this,
        [
          {
            severity: "warning",
            summary: fromIdp.rolloverWarning,
            path: ["id_provider_certificate"],
          },
        ],
        propOf,
      );
      new PlanWarning(this, "idp_signing_certificate_rollover", fromIdp.rolloverWarning);
    }

    const keystore = props.samlRequestKeystore;
    const secretProblems = useSecrets(this, [
      keystore === undefined
        ? undefined
        : {
            prop: "samlRequestKeystore",
            attribute: "saml_request_keystore",
            value: keystore,
            use: "stored",
          },
      ...passwords.map((p) => p.given),
    ]);
    this.node.addValidation({
      // Secrets are checked here, not in the constructor: a variable may be made sensitive (or
      // not) anywhere in the stack, and the whole tree exists only at synth.
      validate: () => [
        ...errors,
        ...this.duplicateOf().map(
          (other) =>
            `provider: "${other.node.path}" already configures SSO on this provider's site. A CPQ site has one SSO configuration, and two resources would undo each other's changes; keep one, or give each site its own CpqProvider (alias).`,
        ),
        ...secretProblems(),
      ],
    });
  }

  /** An earlier SsoConfiguration in this stack for the same provider (the site's singleton). */
  private duplicateOf(): SsoConfiguration[] {
    const mine = this.resource.provider;
    const all = TerraformStack.of(this)
      .node.findAll()
      .filter((c): c is SsoConfiguration => c instanceof SsoConfiguration);
    const first = all.find((c) => c.resource.provider === mine);
    return first !== undefined && first !== this ? [first] : [];
  }

  /** Whether a server restart is pending (unknown in a plan that changes settings). */
  public get restartRequired(): IResolvable {
    return this.resource.restartRequired;
  }

  /** Since when a server restart has been pending, RFC 3339; null when none is. */
  public get restartPendingSince(): string {
    return this.resource.restartPendingSince;
  }

  /** SHA-256 fingerprint of the IdP certificate (null when it does not parse). */
  public get certificateSha256Fingerprint(): string {
    return this.resource.certificateSha256Fingerprint;
  }

  /** Expiry of the IdP certificate, RFC 3339 (null when it does not parse). */
  public get certificateNotAfter(): string {
    return this.resource.certificateNotAfter;
  }

  /** Subject of the IdP certificate (null when it does not parse). */
  public get certificateSubject(): string {
    return this.resource.certificateSubject;
  }

  /** The resource id (always `sso`). */
  public get id(): string {
    return this.resource.id;
  }
}
