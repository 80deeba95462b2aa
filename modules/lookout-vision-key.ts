import { Fn, IResolvable, Lazy, TerraformIterator, Token, ref } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { KmsReplicaKey } from "@cdktf/provider-aws/lib/kms-replica-key";
import { AwsEnvironment, AwsEnvironmentProps } from "./aws-environment";
import { keyPolicy } from "./policies/key-policy";
import { PolicyStatement, policyJson, unique } from "./policies/policy-document";
import { DEFAULTS, NAMES } from "./private/defaults";
import { keyEndpoints, resolveAwsEnvironment } from "./private/environment";
import { ImportedKey, grantUsePolicyJson, grantUseStatements } from "./private/imported-key";
import { ALLOWED } from "./private/messages";
import { LOOKOUT_FOR_VISION, ServiceProfile } from "./service-profile";
import {
  DELETION_WINDOW_DAYS,
  DESCRIPTION_MAX_LENGTH,
  ROTATION_PERIOD_DAYS,
  checkAlias,
  checkIntegerInRange,
  checkPrincipalArns,
  checkTags,
  fail,
  isToken,
} from "./validation";

const NAME = "LookoutVisionKey";

/**
 * A KMS key the buckets and policies can use: a key created by LookoutVisionKey, or one made
 * elsewhere and imported with `LookoutVisionKey.fromKeyArn`. It holds only what both can do.
 */
export interface IEncryptionKey extends IConstruct {
  /** ARN of the KMS key (never an alias ARN: S3 compares the SSE-KMS key id header with it). */
  readonly keyArn: string;
  readonly keyId: string;
  /** Where the key's users work: the region, account and partition of its `kms:ViaService` conditions. */
  readonly environment: AwsEnvironment;
  /** `kms:ViaService` value of the service in the key's region. */
  readonly serviceEndpoint: string;
  /** Endpoints through which key users may use the key for data: S3 and the service. */
  readonly dataServiceEndpoints: string[];
  /**
   * The statements an IAM identity policy needs so that its principals can use this key through
   * the service and S3 (resource: this key). Any key honours them, an imported one too; the key's
   * own policy must allow those principals as well (a created key: `addKeyUser`).
   * @jsii ignore IAM spelling; other languages call `grantUsePolicyJson`.
   */
  grantUseStatements(): PolicyStatement[];
  /** `grantUseStatements()` as an IAM policy document: JSON text, in IAM's spelling. */
  grantUsePolicyJson(): string;
}

/** The settings of a key LookoutVisionKey creates. */
export interface LookoutVisionKeySettings {
  /**
   * Create a replica (`aws_kms_replica_key`) of this multi-region primary key instead of a new
   * key; set `region` to the replica's region. Rotation is managed on the primary.
   * @default undefined (a new primary key)
   */
  readonly replicaOf?: IEncryptionKey;
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

/** The key LookoutVisionEncryption uses: a new one (these settings), or `existingKeyArn`. */
export interface LookoutVisionKeyOptions extends LookoutVisionKeySettings {
  /**
   * Bring your own key: its ARN. No key, alias or key policy is created; the key's owner
   * must allow this account's users in the key policy. Must be in the same region as the
   * buckets (S3 requires it). Conflicts with every setting of a new key.
   * @default undefined (a new key is created)
   */
  readonly existingKeyArn?: string;
}

export interface LookoutVisionKeyProps extends AwsEnvironmentProps, LookoutVisionKeySettings {
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

/** Where an imported key's users work and which service they use it through. */
export interface ImportedKeyOptions extends AwsEnvironmentProps {
  /**
   * The service that uses the key.
   * @default LOOKOUT_FOR_VISION
   */
  readonly profile?: ServiceProfile;
}

/** A created multi-region key (or a token: known at apply), or an imported key whose key ID says multi-region. */
function isMultiRegionPrimary(key: IEncryptionKey): boolean {
  if (key instanceof LookoutVisionKey) return key.multiRegion !== false;
  return isToken(key.keyArn) || /:key\/mrk-/.test(key.keyArn);
}

function validate(props: LookoutVisionKeyProps): void {
  if (props.replicaOf !== undefined) {
    if (!isMultiRegionPrimary(props.replicaOf)) fail(NAME, "replicaOf", ALLOWED.multiRegionPrimary, props.replicaOf.node.path);
    for (const prop of ["multiRegion", "rotationPeriodInDays"] as const) {
      if (props[prop] !== undefined) fail(NAME, prop, ALLOWED.unsetWithReplica("replicaOf"), props[prop]);
    }
  }
  if (props.alias !== undefined) checkAlias(NAME, "alias", props.alias);
  if (props.description !== undefined && !isToken(props.description) && props.description.length > DESCRIPTION_MAX_LENGTH) {
    fail(NAME, "description", ALLOWED.atMostCharacters(DESCRIPTION_MAX_LENGTH), `${props.description.slice(0, 20)}...`);
  }
  if (props.rotationPeriodInDays !== undefined) checkIntegerInRange(NAME, "rotationPeriodInDays", props.rotationPeriodInDays, ROTATION_PERIOD_DAYS);
  if (props.deletionWindowInDays !== undefined) checkIntegerInRange(NAME, "deletionWindowInDays", props.deletionWindowInDays, DELETION_WINDOW_DAYS);
  checkPrincipalArns(NAME, "administratorArns", props.administratorArns ?? []);
  checkPrincipalArns(NAME, "keyUserArns", props.keyUserArns ?? []);
  if (props.allowAccountRootAccess === false && (props.administratorArns ?? []).length === 0) {
    fail(NAME, "administratorArns", ALLOWED.administratorsWithoutRoot("allowAccountRootAccess"), []);
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
 * use the key only through S3 and the service. A key made elsewhere: `LookoutVisionKey.fromKeyArn`.
 */
export class LookoutVisionKey extends Construct implements IEncryptionKey {
  /**
   * A key made elsewhere (bring your own key), for buckets and policies: nothing is created, and
   * its key policy stays where the key was made. Checked as a KMS key ARN in the region and
   * partition given.
   */
  static fromKeyArn(scope: Construct, id: string, keyArn: string, options: ImportedKeyOptions = {}): IEncryptionKey {
    return new ImportedKey(scope, id, keyArn, options);
  }

  readonly keyArn: string;
  readonly keyId: string;
  readonly aliasName: string;
  readonly profile: ServiceProfile;
  readonly environment: AwsEnvironment;
  readonly serviceEndpoint: string;
  readonly dataServiceEndpoints: string[];
  readonly multiRegion: boolean | IResolvable;
  /** The created `aws_kms_key`, or `aws_kms_replica_key` for a replica. */
  readonly resource: KmsKey | KmsReplicaKey;
  private readonly administratorArns: string[];
  private readonly keyUserArns: string[];

  constructor(scope: Construct, id: string, props: LookoutVisionKeyProps = {}) {
    super(scope, id);
    validate(props);
    this.profile = props.profile ?? LOOKOUT_FOR_VISION;
    this.environment = resolveAwsEnvironment(this, NAME, props);
    const endpoints = keyEndpoints(this.profile.serviceHost, this.environment);
    this.serviceEndpoint = endpoints.serviceEndpoint;
    this.dataServiceEndpoints = endpoints.dataServiceEndpoints;
    this.multiRegion = props.multiRegion ?? DEFAULTS.multiRegion;
    this.administratorArns = [...(props.administratorArns ?? [])];
    this.keyUserArns = [...(props.keyUserArns ?? [])];

    const env = this.environment;
    const common = {
      provider: env.provider,
      region: env.resourceRegion,
      description: props.description ?? NAMES.keyDescription(this.profile),
      deletionWindowInDays: props.deletionWindowInDays ?? DEFAULTS.deletionWindowInDays,
      policy: Lazy.stringValue({ produce: () => policyJson(this.policyDocument(props.allowAccountRootAccess ?? DEFAULTS.allowAccountRootAccess)) }),
      tags: props.tags,
      lifecycle: { preventDestroy: props.preventDestroy ?? DEFAULTS.preventDestroy },
    };
    this.resource = props.replicaOf
      ? new KmsReplicaKey(this, "Key", { ...common, primaryKeyArn: props.replicaOf.keyArn })
      : new KmsKey(this, "Key", {
          ...common,
          enableKeyRotation: true,
          rotationPeriodInDays: props.rotationPeriodInDays ?? DEFAULTS.rotationPeriodInDays,
          multiRegion: this.multiRegion,
        });
    this.keyArn = this.resource.arn;
    this.keyId = this.resource.keyId;
    this.aliasName = props.alias ?? NAMES.keyAlias(this.profile);
    new KmsAlias(this, "Alias", {
      provider: env.provider,
      region: env.resourceRegion,
      name: this.aliasName,
      targetKeyId: this.resource.keyId,
    });
  }

  /**
   * Identity-policy statements that let their principals use this key through the service and S3.
   * @jsii ignore IAM spelling; other languages call `grantUsePolicyJson`.
   */
  grantUseStatements(): PolicyStatement[] {
    return grantUseStatements(this);
  }

  /** `grantUseStatements()` as an IAM policy document: JSON text, in IAM's spelling. */
  grantUsePolicyJson(): string {
    return grantUsePolicyJson(this);
  }

  /** Adds a principal to the key users (the key policy renders at synth). */
  addKeyUser(principalArn: string): void {
    this.appendPrincipal(this.keyUserArns, "addKeyUser", principalArn);
  }

  /** Adds a principal to the administrators. */
  addAdministrator(principalArn: string): void {
    this.appendPrincipal(this.administratorArns, "addAdministrator", principalArn);
  }

  private appendPrincipal(list: string[], method: string, principalArn: string): void {
    // A list token stands for a whole Terraform list: nothing can be appended to it here.
    if (isToken(list)) fail(NAME, `${method}(principalArn)`, ALLOWED.literalPrincipalList, principalArn);
    checkPrincipalArns(NAME, `${method}(principalArn)`, [principalArn]);
    list.push(principalArn);
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
