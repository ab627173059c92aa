/**
 * The host-neutral contract between the Terraform plugin server (`provider/plugin/`) and the
 * resources (`provider/resources/`). The plugin server turns Terraform's RPCs into these calls and
 * these results back into Terraform's messages; resources never see msgpack or protobuf.
 */

/** A value Terraform does not know yet ("known after apply"). */
export const UNKNOWN: unique symbol = Symbol.for("cpq-sso.unknown");
export type Unknown = typeof UNKNOWN;

/** A primitive attribute value; `null` is Terraform's null (unset). */
export type Scalar = string | boolean | number | null;
/** One element of a list-of-objects attribute. */
export type Row = Readonly<Record<string, Scalar>>;
/**
 * A `map(string)` value: keys as the user wrote them; an element may be unknown in a plan
 * (`{ jdoe = some_resource.login }`), and null where the configuration wrote null.
 */
export type MapValue = Readonly<Record<string, string | null | Unknown>>;
export type Value = Scalar | Unknown | readonly Row[] | MapValue;

/** An object value: every attribute of the schema is present as a key (null when unset). */
export type ObjectValue = Record<string, Value>;

/** Terraform primitive types. */
export type PrimitiveType = "string" | "bool" | "number";

/** A list of objects with primitive attributes: the rows a data source returns. */
export interface ListOfObjectsType {
  readonly list: { readonly object: Readonly<Record<string, PrimitiveType>> };
}

/**
 * A map of strings. Terraform renders a map's plan key by key, so a change to one entry of a
 * large map shows as that entry alone.
 */
export interface MapOfStringsType {
  readonly map: "string";
}

/** Terraform attribute types this project uses. */
export type AttributeType = PrimitiveType | ListOfObjectsType | MapOfStringsType;

/** How an attribute is set: by the user, by the provider, or either. */
export type AttributeKind = "required" | "optional" | "computed" | "optional_computed";

/** One row of a resource's attribute table. */
export interface Attribute {
  readonly name: string;
  readonly type: AttributeType;
  readonly kind: AttributeKind;
  readonly description: string;
  /** Marked sensitive: redacted in plan output. */
  readonly sensitive?: boolean;
  /** Terraform 1.11 write-only: accepted in configuration, never stored in plan or state. */
  readonly writeOnly?: boolean;
  /** A change to this attribute forces a new resource. */
  readonly forceNew?: boolean;
  /**
   * For a computed attribute: the attributes it is derived from. Where one of them is unknown or
   * changes in a plan (or on a create), the plugin hands the resource this attribute unknown in
   * the proposed object, and plans it unknown while an input is unknown in the plan: a resource
   * that can work out the new value plans it, one that cannot leaves it and it stays unknown.
   */
  readonly inputs?: readonly string[];
  /** Allowed values, for strings. */
  readonly enum?: readonly string[];
}

export type Severity = "error" | "warning";

/** A problem for the user, reported together with the others, pointing at an attribute. */
export interface Diagnostic {
  readonly severity: Severity;
  readonly summary: string;
  readonly detail?: string;
  /** Attribute path within the resource (or provider) configuration, e.g. `["sso_method"]`. */
  readonly path?: readonly string[];
}

/** Opaque per-resource data Terraform keeps beside the state but never shows (private state). */
export type PrivateState = Readonly<Record<string, string>>;

/** What the plugin knows of the client's abilities (Terraform's ClientCapabilities). */
export interface ClientCapabilities {
  readonly deferralAllowed: boolean;
  readonly writeOnlyAttributesAllowed: boolean;
}

export interface PlanRequest<C> {
  readonly ctx: C;
  /** Prior state; null when the resource is being created. */
  readonly prior: ObjectValue | null;
  /** Terraform's proposed new state (config merged over prior state). */
  readonly proposed: ObjectValue;
  /** The configuration exactly as written (write-only values appear only here). */
  readonly config: ObjectValue;
  readonly priorPrivate: PrivateState;
}

export interface PlanResult {
  /**
   * The planned object. The plugin nulls write-only attributes itself, and refuses a plan that
   * breaks Terraform's rules (a configured value planned otherwise, an unknown one planned known).
   */
  readonly planned: ObjectValue;
  /**
   * Attribute paths whose change forces replacement, beyond the table's `forceNew` rows (which the
   * plugin adds itself): for a change that is a replacement only under some condition.
   */
  readonly requiresReplace?: readonly (readonly string[])[];
  readonly plannedPrivate?: PrivateState;
  readonly diagnostics?: readonly Diagnostic[];
}

export interface ApplyRequest<C> {
  readonly ctx: C;
  /** Prior state; null when the resource is being created. */
  readonly prior: ObjectValue | null;
  /** Planned state (a destroy goes to `destroy` instead). */
  readonly planned: ObjectValue;
  readonly config: ObjectValue | null;
  readonly plannedPrivate: PrivateState;
}

/** A destroy: the plugin sends every planned null here, and forgets the object on success. */
export interface DestroyRequest<C> {
  readonly ctx: C;
  readonly prior: ObjectValue;
  readonly plannedPrivate: PrivateState;
}

export interface ApplyResult {
  /** New state; null after a destroy. */
  readonly state: ObjectValue | null;
  readonly private?: PrivateState;
  readonly diagnostics?: readonly Diagnostic[];
}

export interface ReadRequest<C> {
  readonly ctx: C;
  readonly current: ObjectValue;
  readonly private: PrivateState;
}

export interface ReadResult {
  /** Refreshed state; null when the object is gone (Terraform then plans to create it). */
  readonly state: ObjectValue | null;
  readonly private?: PrivateState;
  readonly diagnostics?: readonly Diagnostic[];
}

export interface ImportResult {
  readonly state: ObjectValue | null;
  readonly private?: PrivateState;
  readonly diagnostics?: readonly Diagnostic[];
}

/** What a destroy of one resource does in CPQ, as the plan's reviewer must hear it. */
export interface DestroyEffect {
  /** One sentence for the reviewer: what happens in CPQ (not what Terraform forgets). */
  readonly text: string;
  /** Something in CPQ is deleted or switched off, not merely left unmanaged. */
  readonly changesCpq: boolean;
  /** CPQ may ask for a server restart after it. */
  readonly restart: boolean;
}

/** What the entries of one `map(string)` attribute are, for the review comment's counts. */
export interface EntryReview {
  /** One entry, and many (`login`, `logins`). */
  readonly one: string;
  readonly many: string;
  /**
   * The entries mirror what CPQ holds (read at refresh, never written): an entry that appears or
   * changes is no change to CPQ, and is not counted.
   */
  readonly readOnly?: boolean;
  /**
   * Whether an entry leaving the map deletes it in CPQ, from the planned object (`null` for a
   * destroy, which then removes every entry when this says so).
   */
  removes(after: Readonly<Record<string, unknown>> | null): boolean;
}

/**
 * What `cpq-sso report` and `cpq-sso drift` need to know of a resource beyond its attribute
 * table: the facts that live in the resource's apply, said once beside it.
 */
export interface ResourceReview {
  /** What a destroy does, from the state before it (a singleton's `destroy_behavior`, a tab's logins). */
  destroy(before: Readonly<Record<string, unknown>>): DestroyEffect;
  /** Per `map(string)` attribute: what one entry is, and what its leaving the map does in CPQ. */
  readonly entries?: Readonly<Record<string, EntryReview>>;
  /** Attributes holding an IdP certificate: the report notes its expiry, subject and fingerprint. */
  readonly certificates?: readonly string[];
  /** Attributes whose change breaks users' sign-in (the report's `breaks-sign-in` label). */
  readonly signIn?: SignInReview;
}

/** Which attributes users' sign-in hangs on, and what their change does. */
export interface SignInReview {
  readonly attributes: readonly string[];
  /** What a change does, as a clause: "users' OAuth sign-in ... fails until ...". */
  readonly consequence: string;
}

/** A definition's own offline checks on a configuration (see ConfigurationRules). */
export type ConfigurationCheck = (
  config: Readonly<Record<string, unknown>>,
  caps: ClientCapabilities,
  now: Date,
) => readonly Diagnostic[];

/**
 * What {@link validateConfiguration} (contract/attributes.ts) checks a configuration against: the
 * attribute table first, then the definition's own rules. The plugin (every Validate*Config RPC)
 * and the constructs (at synth) call that one function, so a rule runs the same in both.
 */
export interface ConfigurationRules {
  readonly attributes: readonly Attribute[];
  /**
   * The offline checks the table cannot state (cross-field rules, CPQ's formats), on a
   * configuration whose values may be UNKNOWN; never the table's own checks. By default they run
   * only on a configuration the table accepts, so they read each value with its attribute's type
   * and do not report a consequence of an error the table reported already. `now` is the clock
   * for certificate expiry warnings.
   */
  readonly validate?: ConfigurationCheck;
  /**
   * The rules of `validate` each judge one attribute's own value (or which attributes are set),
   * so they run beside the table's errors too; an error of theirs on an attribute the table
   * refused already is dropped (one error an attribute).
   */
  readonly validateBesideTableErrors?: boolean;
}

/**
 * A managed resource: its attribute table and its lifecycle. `C` is the provider context made by
 * the provider's `configure` (the CPQ client and settings).
 */
export interface ResourceDefinition<C = unknown> {
  readonly typeName: string;
  readonly description: string;
  readonly schemaVersion: number;
  readonly attributes: readonly Attribute[];
  /** What the review comment says of it that the attribute table cannot (see ResourceReview). */
  readonly review: ResourceReview;
  /** Its own offline checks, after the table's (see ConfigurationRules). */
  readonly validate?: ConfigurationCheck;
  plan(req: PlanRequest<C>): Promise<PlanResult>;
  apply(req: ApplyRequest<C>): Promise<ApplyResult>;
  /** What removing the object does in CPQ; its `state` is ignored unless there are errors. */
  destroy(req: DestroyRequest<C>): Promise<ApplyResult>;
  read(req: ReadRequest<C>): Promise<ReadResult>;
  importState(ctx: C, id: string): Promise<ImportResult>;
  /** What names one object (Terraform 1.12+ `import { identity = {...} }`); see ResourceIdentity. */
  readonly identity?: ResourceIdentity;
  /** How `terraform query` lists the site's objects (Terraform 1.14+); see ResourceList. */
  readonly list?: ResourceList<C>;
  /**
   * Configuration that plans clean for a state (`-generate-config-out`, Terraform 1.14+). The
   * plugin's default: the state's non-null required and optional attributes, write-only ones
   * left out; a resource adjusts it, saying in a diagnostic what the user must still add.
   */
  generateConfig?(state: ObjectValue, config: ObjectValue): GeneratedConfig;
}

/** A data source: its attribute table and a read. */
export interface DataSourceDefinition<C = unknown> {
  readonly typeName: string;
  readonly description: string;
  readonly attributes: readonly Attribute[];
  /** Its own offline checks, after the table's (see ConfigurationRules). */
  readonly validate?: ConfigurationCheck;
  read(
    ctx: C,
    config: ObjectValue,
  ): Promise<{
    readonly state: ObjectValue | null;
    readonly diagnostics?: readonly Diagnostic[];
  }>;
}

/** A parameter of a provider-defined function; every one is required and known. */
export interface FunctionParameter {
  readonly name: string;
  readonly type: "string";
  readonly description: string;
}

/** The cty type of a function result attribute: a string, or a list of strings. */
export type FunctionResultType = "string" | readonly ["list", "string"];

/** One attribute of a function's object result. */
export interface FunctionResultAttribute {
  readonly name: string;
  readonly type: FunctionResultType;
  readonly description: string;
}

/**
 * What a call gives: a value of the return type (a string attribute may be null, a list one is
 * a list of strings), or an error naming the argument at fault.
 * Terraform prints an argument's error as `Invalid value for "<name>" parameter: <error>.`, so the
 * text is a clause: lower case, no final period.
 */
export type FunctionResult =
  | { readonly value: Readonly<Record<string, string | null | readonly string[]>> }
  | { readonly error: string; readonly argument?: number };

/**
 * A provider-defined function (Terraform 1.8+, OpenTofu 1.7+), called as
 * `provider::cpq::<name>(...)`. Pure: it runs without a configured provider, so it may read no site.
 */
export interface FunctionDefinition {
  readonly name: string;
  readonly summary: string;
  readonly description: string;
  readonly parameters: readonly FunctionParameter[];
  /** An object result: its attributes, in order. */
  readonly returns: {
    readonly description: string;
    readonly attributes: readonly FunctionResultAttribute[];
  };
  call(args: readonly unknown[]): FunctionResult;
}

/** What the plugin host offers the provider: where its log lines go (Terraform's log). */
export interface ProviderHost {
  readonly logger?: {
    debug(message: string, fields?: Readonly<Record<string, unknown>>): void;
    info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  };
}

/** The provider itself: its configuration block and how it makes the context resources use. */
export interface ProviderDefinition<C = unknown> {
  readonly typeName: string;
  readonly attributes: readonly Attribute[];
  /** Its own offline checks, after the table's (see ConfigurationRules). */
  readonly validate?: ConfigurationCheck;
  readonly validateBesideTableErrors?: boolean;
  /** Builds the context; called once per provider process, lazily loading heavy modules. */
  configure(
    config: ObjectValue,
    host?: ProviderHost,
  ): Promise<{
    readonly ctx: C | null;
    readonly diagnostics: readonly Diagnostic[];
  }>;
  /** Resource definitions, loaded lazily so start-up pays for none of them. */
  resources(): readonly ResourceDefinition<C>[];
  dataSources(): readonly DataSourceDefinition<C>[];
  /** Provider-defined functions; none of them needs `configure`. */
  functions(): readonly FunctionDefinition[];
  /** Actions (Terraform 1.14+); none when absent. */
  actions?(): readonly ActionDefinition<C>[];
}

// ---- Terraform 1.12+: resource identity; 1.14+: list resources and actions ----------------------

/**
 * One attribute of a resource's identity: a string the state holds under the same name (the
 * plugin reads the identity from the state, so it cannot drift from it).
 */
export interface IdentityAttribute {
  readonly name: string;
  readonly description: string;
  /**
   * An `import { identity = {...} }` must give it. When false the provider can supply it (a
   * singleton's fixed id), and the identity import leaves it out.
   */
  readonly requiredForImport: boolean;
}

/**
 * What names one object of a resource type for Terraform 1.12+ (protocol 6.9): the identity the
 * plugin returns beside every read, planned, applied, imported and listed state, and accepts in
 * an identity import. Declared once on the resource; the plugin does the rest.
 */
export interface ResourceIdentity {
  /** The identity schema's version (separate from the resource schema's); 0 until its shape changes. */
  readonly version: number;
  readonly attributes: readonly IdentityAttribute[];
  /**
   * The import id naming the same object, so an identity import is the id import the resource
   * already has (values: strings, null where an optional attribute was left out).
   */
  toImportId(identity: Readonly<Record<string, string | null>>): string;
}

/** One object a list resource found: its state as an import of it would give it. */
export interface ListedObject {
  /** What `terraform query` prints for it. */
  readonly displayName: string;
  /** The object's state, as `importState` returns it (the identity is read from it). */
  readonly state: ObjectValue;
}

/** What a list resource is asked: its filters, and how many objects Terraform wants at most. */
export interface ListRequest<C> {
  readonly ctx: C;
  /** The list block's `config`, typed by the list's attribute table (filters; null when unset). */
  readonly config: ObjectValue;
  /** Terraform stops reading after this many; the list should stop fetching pages too. */
  readonly limit: number;
}

/**
 * How `terraform query` (Terraform 1.14+, protocol 6.10) lists a site's objects of one resource
 * type: a `list "<type>" "<name>" { config { ... } }` block whose filters are this attribute
 * table. Optional on a resource; a resource fills it in, and the plugin serves the list schema,
 * validation, the stream of results with their identity, and the generated configuration.
 */
export interface ResourceList<C> extends ConfigurationRules {
  readonly description: string;
  /** The filters of the list block's `config` (all optional). */
  readonly attributes: readonly Attribute[];
  /** The objects, in the site's order, fetching pages lazily. */
  list(req: ListRequest<C>): AsyncIterable<ListedObject>;
}

/** What `generateConfig` gives: the configuration, and what the user must still add. */
export interface GeneratedConfig {
  readonly config: ObjectValue;
  readonly diagnostics?: readonly Diagnostic[];
}

/** What an action is asked, at plan and at invocation. */
export interface ActionRequest<C> {
  readonly ctx: C;
  /** The action's configuration (write-only values included). */
  readonly config: ObjectValue;
}

/**
 * An action (Terraform 1.14+, protocol 6.10): a button of CPQ's pages run by `action_trigger`
 * in a resource's lifecycle or by `terraform apply -invoke`. It changes nothing Terraform tracks.
 */
export interface ActionDefinition<C = unknown> extends ConfigurationRules {
  readonly typeName: string;
  readonly description: string;
  readonly attributes: readonly Attribute[];
  /** Refuses at plan what cannot work on the site (read-only calls only). */
  plan(req: ActionRequest<C>): Promise<readonly Diagnostic[]>;
  /** Runs it; `progress` lines reach the terminal as they happen. */
  invoke(
    req: ActionRequest<C>,
    progress: (message: string) => void,
  ): Promise<readonly Diagnostic[]>;
}
