import { Fn, IResolvable, Lazy, TerraformIterator, Token, ref } from "cdktf";
import { Construct } from "constructs";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { KmsReplicaKey } from "@cdktf/provider-aws/lib/kms-replica-key";
import { AwsEnvironment, AwsEnvironmentProps, resolveAwsEnvironment, serviceEndpoint } from "./aws-environment";
import { keyPolicy } from "./policies/key-policy";
import { policyJson, unique } from "./policies/policy-document";
import { LOOKOUT_FOR_VISION, ServiceProfile } from "./service-profile";
import {
  checkAlias,
  checkIntegerInRange,
  checkKmsKeyArnLocation,
  checkPrincipalArns,
  checkTags,
  fail,
  isToken,
} from "./validation";

const NAME = "LookoutVisionKey";
/** Allowed `rotationPeriodInDays` (KMS limits). */
export const ROTATION_PERIOD_DAYS = { min: 90, max: 2560 } as const;
/** Allowed `deletionWindowInDays` (KMS limits). */
export const DELETION_WINDOW_DAYS = { min: 7, max: 30 } as const;
/** Longest `description` KMS accepts. */
export const DESCRIPTION_MAX_LENGTH = 8192;

/** What buckets and policies need of a key: a created key and a bring-your-own key alike. */
export interface IEncryptionKey {
  /** ARN of the KMS key (never an alias ARN: S3 compares the SSE-KMS key id header with it). */
  readonly keyArn: string;
  readonly keyId: string;
  /** `alias/...`, or undefined for a bring-your-own key. */
  readonly aliasName?: string;
}

/** The key settings LookoutVisionEncryption passes through: all but the environment, service and key users, which it sets for every resource. */
export interface LookoutVisionKeyOptions {
  /**
   * Bring your own key: its ARN. No key, alias or key policy is created; the key's owner
   * must allow this account's users in the key policy. Must be in the same region as the
   * buckets (S3 requires it). Conflicts with every prop that configures a new key.
   * @default undefined (a new key is created)
   */
  readonly existingKeyArn?: string;
  /**
   * Create a replica (`aws_kms_replica_key`) of this multi-region primary key instead of a new
   * key; set `region` to the replica's region. Rotation is managed on the primary.
   * @default undefined (a new primary key)
   */
  readonly replicaOf?: LookoutVisionKey;
  /**
   * Alias of the key. Aliases are regional: a replica may reuse the primary's alias name.
   * @default "alias/<profile slug>"
   */
  readonly alias?: string;
  /**
   * Key description.
   * @default "<service> data: training images, models and manifests"
   */
  readonly description?: string;
  /**
   * Days between automatic rotations (rotation is always on). 90-2560.
   * @default 365
   */
  readonly rotationPeriodInDays?: number;
  /**
   * Waiting period before a scheduled deletion takes effect. 7-30.
   * @default 30
   */
  readonly deletionWindowInDays?: number;
  /**
   * Create a multi-region primary key, so replicas can serve other regions.
   * IMPORTANT: changing it replaces the key.
   * @default false
   */
  readonly multiRegion?: boolean | IResolvable;
  /**
   * Principals that manage the key (never use it for data): enable/disable, policy, rotation, deletion.
   * @default [] (administration through IAM policies of the account, via the root statement)
   */
  readonly administratorArns?: string[];
  /**
   * Keep the statement that lets the account's IAM policies grant access to the key. Turning
   * it off needs `administratorArns`, or nobody could ever change the key policy again.
   * @default true
   */
  readonly allowAccountRootAccess?: boolean;
  /**
   * `lifecycle { prevent_destroy = true }` on the key: a plan that destroys it fails.
   * @default true
   */
  readonly preventDestroy?: boolean;
  /**
   * Tags on the key.
   * @default {}
   */
  readonly tags?: Record<string, string>;
}

export interface LookoutVisionKeyProps extends AwsEnvironmentProps, LookoutVisionKeyOptions {
  /**
   * The service that creates grants on the key and reads data with it.
   * @default LOOKOUT_FOR_VISION
   */
  readonly profile?: ServiceProfile;
  /**
   * Principals that use the key through the service and S3: CreateGrant via the service for
   * AWS resources, DescribeKey, and data keys only via S3 or the service. Principals of other
   * accounts are allowed (their account is added to `kms:CallerAccount`).
   * @default []
   */
  readonly keyUserArns?: string[];
}

/** Props that configure a created key, and so conflict with `existingKeyArn`. */
const NEW_KEY_PROPS = [
  "replicaOf",
  "alias",
  "description",
  "rotationPeriodInDays",
  "deletionWindowInDays",
  "multiRegion",
  "administratorArns",
  "keyUserArns",
  "allowAccountRootAccess",
  "preventDestroy",
  "tags",
] as const;

function validate(props: LookoutVisionKeyProps): void {
  if (props.existingKeyArn !== undefined) {
    const conflicting = NEW_KEY_PROPS.filter((prop) => props[prop] !== undefined);
    if (conflicting.length > 0) {
      fail(NAME, "existingKeyArn", `used alone: it conflicts with ${conflicting.join(", ")}, which configure a new key`, props.existingKeyArn);
    }
    checkKmsKeyArnLocation(NAME, "existingKeyArn", props.existingKeyArn, props);
    return;
  }
  if (props.replicaOf !== undefined) {
    if (!props.replicaOf.multiRegion) {
      fail(NAME, "replicaOf", "a LookoutVisionKey created with multiRegion: true", props.replicaOf.node.path);
    }
    for (const prop of ["multiRegion", "rotationPeriodInDays"] as const) {
      if (props[prop] !== undefined) fail(NAME, prop, "unset with replicaOf (the primary key owns it)", props[prop]);
    }
  }
  if (props.alias !== undefined) checkAlias(NAME, "alias", props.alias);
  if (props.description !== undefined && !isToken(props.description) && props.description.length > DESCRIPTION_MAX_LENGTH) {
    fail(NAME, "description", `at most ${DESCRIPTION_MAX_LENGTH} characters`, `${props.description.slice(0, 20)}...`);
  }
  if (props.rotationPeriodInDays !== undefined) checkIntegerInRange(NAME, "rotationPeriodInDays", props.rotationPeriodInDays, ROTATION_PERIOD_DAYS.min, ROTATION_PERIOD_DAYS.max);
  if (props.deletionWindowInDays !== undefined) checkIntegerInRange(NAME, "deletionWindowInDays", props.deletionWindowInDays, DELETION_WINDOW_DAYS.min, DELETION_WINDOW_DAYS.max);
  checkPrincipalArns(NAME, "administratorArns", props.administratorArns ?? []);
  checkPrincipalArns(NAME, "keyUserArns", props.keyUserArns ?? []);
  if (props.allowAccountRootAccess === false && (props.administratorArns ?? []).length === 0) {
    fail(NAME, "administratorArns", "at least one principal when allowAccountRootAccess is false (else the key cannot be managed)", []);
  }
  if (props.tags) checkTags(NAME, "tags", props.tags);
}

/** Account ID of a principal ARN: the fifth field, literal or as a Terraform expression. */
function accountOfArn(arn: string): string {
  return isToken(arn) ? Fn.element(Fn.split(":", arn), 4) : arn.split(":")[4];
}

/** The key's account and its users' accounts; a Terraform `for` expression when the users are a list variable. */
function callerAccounts(accountId: string, keyUserArns: string[]): string[] {
  if (!isToken(keyUserArns)) return unique([accountId, ...keyUserArns.map(accountOfArn)]);
  // `val` is the element in the `[for key, val in ...]` expression cdktf writes.
  const accounts = TerraformIterator.fromList(keyUserArns).forExpressionForList(accountOfArn(Token.asString(ref("val"))));
  return Token.asList(Fn.distinct(Fn.concat([[accountId], accounts])));
}

/**
 * A customer managed KMS key for an ML service's data in S3 (Lookout for Vision by default),
 * with an alias and a key policy that separates administrators from users and lets users
 * use the key only through S3 and the service. Or, with `existingKeyArn`, a key made elsewhere.
 */
export class LookoutVisionKey extends Construct implements IEncryptionKey {
  readonly keyArn: string;
  readonly keyId: string;
  readonly aliasName?: string;
  readonly profile: ServiceProfile;
  readonly environment: AwsEnvironment;
  readonly multiRegion: boolean | IResolvable;
  /** The created `aws_kms_key` or `aws_kms_replica_key`; undefined for a bring-your-own key. */
  readonly resource?: KmsKey | KmsReplicaKey;
  private readonly administratorArns: string[];
  private readonly keyUserArns: string[];

  constructor(scope: Construct, id: string, props: LookoutVisionKeyProps = {}) {
    super(scope, id);
    validate(props);
    this.profile = props.profile ?? LOOKOUT_FOR_VISION;
    this.environment = resolveAwsEnvironment(this, NAME, props);
    this.multiRegion = props.multiRegion ?? false;
    this.administratorArns = [...(props.administratorArns ?? [])];
    this.keyUserArns = [...(props.keyUserArns ?? [])];

    if (props.existingKeyArn !== undefined) {
      this.keyArn = props.existingKeyArn;
      this.keyId = isToken(props.existingKeyArn)
        ? Fn.element(Fn.split("/", props.existingKeyArn), 1)
        : props.existingKeyArn.split("/")[1];
      return;
    }

    const env = this.environment;
    const common = {
      provider: env.provider,
      region: env.resourceRegion,
      description: props.description ?? `${this.profile.displayName} data: training images, models and manifests`,
      deletionWindowInDays: props.deletionWindowInDays ?? 30,
      policy: Lazy.stringValue({ produce: () => policyJson(this.policyDocument(props.allowAccountRootAccess ?? true)) }),
      tags: props.tags,
      lifecycle: { preventDestroy: props.preventDestroy ?? true },
    };
    const resource = props.replicaOf
      ? new KmsReplicaKey(this, "Key", { ...common, primaryKeyArn: props.replicaOf.keyArn })
      : new KmsKey(this, "Key", {
          ...common,
          enableKeyRotation: true,
          rotationPeriodInDays: props.rotationPeriodInDays ?? 365,
          multiRegion: this.multiRegion,
        });
    this.resource = resource;
    this.keyArn = resource.arn;
    this.keyId = resource.keyId;
    this.aliasName = props.alias ?? `alias/${this.profile.slug}`;
    new KmsAlias(this, "Alias", {
      provider: env.provider,
      region: env.resourceRegion,
      name: this.aliasName,
      targetKeyId: resource.keyId,
    });
  }

  /** True when the key was made elsewhere (`existingKeyArn`). */
  get imported(): boolean {
    return this.resource === undefined;
  }

  /** `kms:ViaService` value of the ML service in this key's region. */
  get serviceEndpoint(): string {
    return serviceEndpoint(this.profile.serviceHost, this.environment);
  }

  /** Endpoints through which key users may use the key for data: S3 and the ML service. */
  get dataServiceEndpoints(): string[] {
    return [serviceEndpoint("s3", this.environment), this.serviceEndpoint];
  }

  /** Adds a principal to the key users of a created key (the key policy renders at synth). */
  addKeyUser(principalArn: string): void {
    this.appendPrincipal(this.keyUserArns, "addKeyUser", principalArn);
  }

  /** Adds a principal to the administrators of a created key. */
  addAdministrator(principalArn: string): void {
    this.appendPrincipal(this.administratorArns, "addAdministrator", principalArn);
  }

  private appendPrincipal(list: string[], method: string, principalArn: string): void {
    this.requireCreatedKey(method);
    // A list token stands for a whole Terraform list: nothing can be appended to it here.
    if (isToken(list)) fail(NAME, `${method}(principalArn)`, "used only when the principal list is literal, not a Terraform list", principalArn);
    checkPrincipalArns(NAME, `${method}(principalArn)`, [principalArn]);
    list.push(principalArn);
  }

  private requireCreatedKey(method: string): void {
    if (this.imported) {
      throw new Error(
        `${NAME}: ${method} needs a key created here, got existingKeyArn ${JSON.stringify(this.keyArn)}; ` +
          "its key policy is managed where the key was made: attach the user policy of LookoutVisionEncryption instead",
      );
    }
  }

  private policyDocument(allowAccountRootAccess: boolean) {
    const env = this.environment;
    return keyPolicy({
      accountRootArn: allowAccountRootAccess ? `arn:${env.partition}:iam::${env.accountId}:root` : undefined,
      administratorArns: unique(this.administratorArns),
      keyUserArns: unique(this.keyUserArns),
      serviceEndpoint: this.serviceEndpoint,
      dataServiceEndpoints: this.dataServiceEndpoints,
      callerAccounts: callerAccounts(env.accountId, this.keyUserArns),
    });
  }
}
