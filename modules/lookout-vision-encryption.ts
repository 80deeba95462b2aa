import { Fn, TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { AwsEnvironmentProps } from "./aws-environment";
import { AccessLogBucket } from "./access-log-bucket";
import { BucketSettings } from "./bucket-options";
import { ConsoleBucket, ConsoleBucketOptions } from "./console-bucket";
import { EncryptedBucket } from "./encrypted-bucket";
import { IEncryptionKey, LookoutVisionKey, LookoutVisionKeyOptions, LookoutVisionKeySettings } from "./lookout-vision-key";
import { OutputBucket, OutputBucketOptions } from "./output-bucket";
import { keyUserStatements } from "./policies/kms-statements";
import { userPolicy } from "./policies/user-policy";
import { PolicyDocument, policyDocument } from "./policies/policy-document";
import { DEFAULTS, NAMES } from "./private/defaults";
import { environmentProps } from "./private/environment";
import { ALLOWED } from "./private/messages";
import { addUserPolicyResources } from "./private/user-policy-resources";
import { LOOKOUT_FOR_VISION, ServiceProfile } from "./service-profile";
import {
  IAM_NAME_PATTERN,
  OUTPUT_BUCKET_ID_PATTERN,
  OUTPUT_NAME_PREFIX_PATTERN,
  checkKmsKeyArnLocation,
  checkPrincipalArns,
  checkWord,
  fail,
  isToken,
} from "./validation";

const NAME = "LookoutVisionEncryption";

/** Every setting of a new key: each conflicts with `key.existingKeyArn`. */
const NEW_KEY_SETTINGS: readonly (keyof LookoutVisionKeySettings)[] = [
  "replicaOf",
  "alias",
  "description",
  "rotationPeriodInDays",
  "deletionWindowInDays",
  "multiRegion",
  "administratorArns",
  "allowAccountRootAccess",
  "preventDestroy",
  "tags",
];

export interface OutputBucketEntry extends OutputBucketOptions {
  /** Stable ID of this bucket in the construct tree. IMPORTANT: changing it replaces the bucket. */
  readonly id: string;
  /**
   * Bucket name. IMPORTANT: changing it replaces the bucket.
   * @default a Terraform-generated name
   */
  readonly bucketName?: string;
}

export interface UserPolicyOptions {
  /**
   * Name prefix of the IAM policy.
   * @default "<profile slug>-users-" (Terraform appends a unique suffix)
   */
  readonly namePrefix?: string;
  /**
   * Names of IAM roles to attach the policy to.
   * @default []
   */
  readonly attachToRoleNames?: string[];
}

export interface LookoutVisionEncryptionProps extends AwsEnvironmentProps {
  /**
   * The service the set-up is for.
   * @default LOOKOUT_FOR_VISION
   */
  readonly profile?: ServiceProfile;
  /**
   * The key: settings for a new key, `existingKeyArn` to bring your own, or `replicaOf` for a
   * replica of a multi-region primary in this region. Key users go in `keyUserArns` below.
   * @default a new key with the LookoutVisionKey defaults
   */
  readonly key?: LookoutVisionKeyOptions;
  /**
   * Principals that use the service with the key. A created key names them in its key policy;
   * for a bring-your-own key the `key_policy_statements_for_key_owner` output holds what its
   * owner must add. At least one is needed unless `userPolicy` is false: the user policy is theirs.
   * @default none (required unless `userPolicy: false`)
   */
  readonly keyUserArns?: string[];
  /**
   * The console bucket, or false to leave it out.
   * @default {} (created, named "<prefix><region>-<account>")
   */
  readonly consoleBucket?: false | ConsoleBucketOptions;
  /**
   * Buckets for training results (OutputConfig). IDs and names must be unique.
   * @default []
   */
  readonly outputBuckets?: OutputBucketEntry[];
  /**
   * Settings shared by every bucket: versioning, TLS minimum, access logs, destroy protection, lifecycle.
   * @default the EncryptedBucket defaults
   */
  readonly bucketSettings?: BucketSettings;
  /**
   * The IAM managed policy for users of the service, or false to leave it out.
   * @default {}
   */
  readonly userPolicy?: false | UserPolicyOptions;
  /**
   * Prefix of the Terraform output names; two instances in one stack need different ones.
   * @default "" (outputs "key_arn", "console_bucket_name", ...)
   */
  readonly outputNamePrefix?: string;
  /**
   * Create Terraform outputs.
   * @default true
   */
  readonly outputs?: boolean;
  /**
   * Tags on every taggable resource.
   * @default {}
   */
  readonly tags?: Record<string, string>;
}

function validate(props: LookoutVisionEncryptionProps): void {
  const entries = props.outputBuckets ?? [];
  const ids = new Set<string>();
  const names = new Set<string>();
  entries.forEach((entry, i) => {
    if (isToken(entry.id) || !OUTPUT_BUCKET_ID_PATTERN.test(entry.id ?? "")) fail(NAME, `outputBuckets[${i}].id`, ALLOWED.outputBucketId, entry.id);
    if (ids.has(entry.id)) fail(NAME, `outputBuckets[${i}].id`, ALLOWED.uniqueAmong("outputBuckets"), entry.id);
    ids.add(entry.id);
    if (entry.bucketName !== undefined && !isToken(entry.bucketName)) {
      if (names.has(entry.bucketName)) fail(NAME, `outputBuckets[${i}].bucketName`, ALLOWED.uniqueAmong("outputBuckets"), entry.bucketName);
      names.add(entry.bucketName);
    }
  });
  checkPrincipalArns(NAME, "keyUserArns", props.keyUserArns ?? []);
  // The user policy is the key users' half of their access: without key users it would grant
  // key use to whoever it is attached to, outside the key policy's list.
  if (props.userPolicy !== false && (props.keyUserArns ?? []).length === 0) {
    fail(NAME, "keyUserArns", ALLOWED.keyUsersForUserPolicy("userPolicy"), props.keyUserArns ?? []);
  }
  if (props.userPolicy) {
    if (props.userPolicy.namePrefix !== undefined && !isToken(props.userPolicy.namePrefix) && !IAM_NAME_PATTERN.test(props.userPolicy.namePrefix)) {
      fail(NAME, "userPolicy.namePrefix", ALLOWED.iamName, props.userPolicy.namePrefix);
    }
    (props.userPolicy.attachToRoleNames ?? []).forEach((role, i) => {
      checkWord(NAME, `userPolicy.attachToRoleNames[${i}]`, role);
      if (!isToken(role) && (role.startsWith("arn:") || !IAM_NAME_PATTERN.test(role))) {
        fail(NAME, `userPolicy.attachToRoleNames[${i}]`, ALLOWED.roleName, role);
      }
    });
  }
  if (props.outputNamePrefix !== undefined && !OUTPUT_NAME_PREFIX_PATTERN.test(props.outputNamePrefix)) {
    fail(NAME, "outputNamePrefix", ALLOWED.outputNamePrefix, props.outputNamePrefix);
  }
}

/** `key.existingKeyArn`: used alone, and a key ARN in the set-up's partition and region. */
function checkExistingKey(props: LookoutVisionEncryptionProps, existingKeyArn: string): void {
  const conflicting = NEW_KEY_SETTINGS.filter((setting) => props.key?.[setting] !== undefined);
  if (conflicting.length > 0) fail(NAME, "key.existingKeyArn", ALLOWED.usedAlone(conflicting.join(", ")), existingKeyArn);
  checkKmsKeyArnLocation(NAME, "key.existingKeyArn", existingKeyArn, props);
}

/**
 * Encryption for an ML service end to end: the key (new, bring-your-own or replica), the
 * console bucket, output buckets, an IAM policy for the service's users, and outputs.
 */
export class LookoutVisionEncryption extends Construct {
  readonly profile: ServiceProfile;
  /** The key: a LookoutVisionKey, or with `key.existingKeyArn` the imported key. */
  readonly key: IEncryptionKey;
  readonly consoleBucket?: ConsoleBucket;
  readonly outputBuckets: Record<string, OutputBucket> = {};
  readonly userPolicy?: IamPolicy;
  /** The shared server access log bucket, when `bucketSettings.accessLogs` is on. */
  readonly accessLogBucket?: AccessLogBucket;
  readonly keyUserArns: string[];

  constructor(scope: Construct, id: string, props: LookoutVisionEncryptionProps = {}) {
    super(scope, id);
    validate(props);
    this.profile = props.profile ?? LOOKOUT_FOR_VISION;
    this.keyUserArns = [...(props.keyUserArns ?? [])];
    const env = environmentProps(props);
    this.key = this.createKey(props, env);

    const { accessLogs, ...settings } = props.bucketSettings ?? {};
    if (accessLogs) {
      this.accessLogBucket = new AccessLogBucket(this, "AccessLogs", {
        ...env,
        bucketPrefix: NAMES.sharedLogBucketPrefix(this.profile),
        expireAfterDays: accessLogs === true ? undefined : accessLogs.expireAfterDays,
        minimumTlsVersion: settings.minimumTlsVersion,
        forceDestroy: settings.forceDestroy,
        preventDestroy: settings.preventDestroy,
        tags: props.tags,
      });
    }
    const logTargetPrefix = accessLogs === true || !accessLogs ? DEFAULTS.targetPrefix : (accessLogs.targetPrefix ?? DEFAULTS.targetPrefix);
    /** Every bucket's logs go to the shared log bucket, under a prefix of their own. */
    const logsUnder = (prefix: string) =>
      this.accessLogBucket ? { destination: this.accessLogBucket, targetPrefix: `${logTargetPrefix}${prefix}` } : false;
    const bucketProps = { ...env, ...settings, encryptionKey: this.key, tags: props.tags };
    if (props.consoleBucket !== false) {
      this.consoleBucket = new ConsoleBucket(this, "ConsoleBucket", {
        ...bucketProps,
        ...props.consoleBucket,
        profile: this.profile,
        accessLogs: logsUnder(NAMES.consoleLogPrefix),
      });
    }
    for (const entry of props.outputBuckets ?? []) {
      this.outputBuckets[entry.id] = new OutputBucket(this, NAMES.outputBucketId(entry.id), {
        ...bucketProps,
        bucketName: entry.bucketName,
        prefix: entry.prefix,
        profile: this.profile,
        accessLogs: logsUnder(NAMES.outputLogPrefix(entry.id)),
      });
    }

    if (props.userPolicy !== false) {
      const options = props.userPolicy ?? {};
      this.userPolicy = addUserPolicyResources(this, {
        provider: props.provider,
        profile: this.profile,
        namePrefix: options.namePrefix ?? NAMES.userPolicyNamePrefix(this.profile),
        policy: this.userPolicyJson,
        tags: props.tags,
        roles: Object.fromEntries((options.attachToRoleNames ?? []).map((role) => [role, role])),
      });
    }
    if (props.outputs ?? DEFAULTS.outputs) this.addOutputs(props.outputNamePrefix ?? DEFAULTS.outputNamePrefix);
  }

  /** A new key (or replica) for the key users, or the existing key imported. */
  private createKey(props: LookoutVisionEncryptionProps, env: AwsEnvironmentProps): IEncryptionKey {
    const { existingKeyArn, ...settings } = props.key ?? {};
    if (existingKeyArn !== undefined) {
      checkExistingKey(props, existingKeyArn);
      return LookoutVisionKey.fromKeyArn(this, "Key", existingKeyArn, { ...env, profile: this.profile });
    }
    return new LookoutVisionKey(this, "Key", {
      ...env,
      ...settings,
      profile: this.profile,
      keyUserArns: this.keyUserArns,
      tags: settings.tags ?? props.tags,
    });
  }

  /** Every bucket of the set-up. */
  get buckets(): EncryptedBucket[] {
    return [...(this.consoleBucket ? [this.consoleBucket] : []), ...Object.values(this.outputBuckets)];
  }

  /**
   * The IAM policy for users: service actions, these buckets' objects, the key only via S3 and the service.
   * @jsii ignore IAM spelling; other languages read `userPolicyJson`.
   */
  get userPolicyDocument(): PolicyDocument {
    return userPolicy({
      serviceActions: this.profile.userActions,
      bucketArns: this.buckets.map((b) => b.bucketArn),
      keyArn: this.key.keyArn,
      serviceEndpoint: this.key.serviceEndpoint,
      dataServiceEndpoints: this.key.dataServiceEndpoints,
    });
  }

  /**
   * For a bring-your-own key: the statements its owner adds to the key policy so that this
   * account's key users can use it (principals: the key users, or this account).
   * @jsii ignore IAM spelling; other languages read `keyPolicyStatementsForKeyOwnerJson`.
   */
  get keyPolicyStatementsForKeyOwner(): PolicyDocument {
    const env = this.key.environment;
    const principals = this.keyUserArns.length > 0 ? this.keyUserArns : [`arn:${env.partition}:iam::${env.accountId}:root`];
    return policyDocument(
      keyUserStatements({
        principalArns: principals,
        resource: "*",
        serviceEndpoint: this.key.serviceEndpoint,
        dataServiceEndpoints: this.key.dataServiceEndpoints,
      }),
    );
  }
  /** `userPolicyDocument` as JSON text, in IAM's spelling: the policy as synthesized. */
  get userPolicyJson(): string {
    return JSON.stringify(this.userPolicyDocument);
  }

  /** `keyPolicyStatementsForKeyOwner` as JSON text, in IAM's spelling: the output as synthesized. */
  get keyPolicyStatementsForKeyOwnerJson(): string {
    return JSON.stringify(this.keyPolicyStatementsForKeyOwner);
  }

  private addOutputs(prefix: string): void {
    const output = (name: string, value: unknown, description: string) => {
      const o = new TerraformOutput(this, `${prefix}${name}`, { value, description });
      o.overrideLogicalId(`${prefix}${name}`);
    };
    output("key_arn", this.key.keyArn, `ARN of the KMS key for ${this.profile.displayName} data`);
    if (this.key instanceof LookoutVisionKey) {
      output("key_alias", this.key.aliasName, "Alias of the KMS key");
    } else {
      output(
        "key_policy_statements_for_key_owner",
        this.keyPolicyStatementsForKeyOwnerJson,
        "Key policy statements the owner of the existing key must add for this account's users",
      );
    }
    if (this.consoleBucket) {
      output("console_bucket_name", this.consoleBucket.bucketName, "Name of the console bucket");
      output("console_bucket_arn", this.consoleBucket.bucketArn, "ARN of the console bucket");
    }
    const outputs = Object.entries(this.outputBuckets);
    output("output_bucket_names", Object.fromEntries(outputs.map(([id, b]) => [id, b.bucketName])), "Output bucket names by ID");
    output("output_bucket_arns", Object.fromEntries(outputs.map(([id, b]) => [id, b.bucketArn])), "Output bucket ARNs by ID");
    output(
      "output_configs",
      Object.fromEntries(outputs.map(([id, b]) => [id, Fn.jsonencode(b.outputConfig)])),
      `OutputConfig JSON for ${this.profile.trainingApi}, by output bucket ID`,
    );
    if (this.userPolicy) output("user_policy_arn", this.userPolicy.arn, `ARN of the IAM policy for ${this.profile.displayName} users`);
  }
}
