import { Fn, IResolvable, TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { AwsEnvironmentProps } from "./aws-environment";
import { AccessLogBucket } from "./access-log-bucket";
import { ConsoleBucket } from "./console-bucket";
import { EncryptedBucket, MinimumTlsVersion, SharedAccessLogsOptions } from "./encrypted-bucket";
import { LookoutVisionKey, LookoutVisionKeyOptions } from "./lookout-vision-key";
import { OutputBucket } from "./output-bucket";
import { keyUserStatements } from "./policies/kms-statements";
import { userPolicy } from "./policies/user-policy";
import { PolicyDocument, policyDocument } from "./policies/policy-document";
import { LOOKOUT_FOR_VISION, ServiceProfile } from "./service-profile";
import { IAM_NAME_PATTERN, checkPrincipalArns, checkWord, fail, isToken } from "./validation";

const NAME = "LookoutVisionEncryption";
/** Output bucket IDs: they name construct IDs, log prefixes and Terraform map keys. */
export const OUTPUT_BUCKET_ID_PATTERN = /^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/;

export interface OutputBucketEntry {
  /** Stable ID of this bucket in the construct tree. IMPORTANT: changing it replaces the bucket. */
  readonly id: string;
  /**
   * Bucket name. IMPORTANT: changing it replaces the bucket.
   * @default a Terraform-generated name
   */
  readonly bucketName?: string;
  /**
   * Key prefix training results are written under.
   * @default "training-output/"
   */
  readonly prefix?: string;
}

export interface ConsoleBucketOptions {
  /**
   * Last part of the console bucket name.
   * @default the account ID
   */
  readonly suffix?: string;
  /**
   * Adopt the bucket the console already created (Terraform `import` block).
   * @default false
   */
  readonly importExisting?: boolean;
}

/** Settings every bucket of the set-up shares. */
export interface BucketSettings {
  /**
   * Keep every version of every object.
   * @default true
   */
  readonly versioned?: boolean | IResolvable;
  /**
   * Minimum TLS version of requests: "1.2" or "1.3".
   * @default "1.2"
   */
  readonly minimumTlsVersion?: MinimumTlsVersion;
  /**
   * Server access logs of every bucket into one shared SSE-S3 log bucket, each bucket under its
   * own prefix (`console/`, `output-<id>/`, after `targetPrefix`).
   * @default false
   */
  readonly accessLogs?: boolean | SharedAccessLogsOptions;
  /**
   * Let `terraform destroy` delete buckets that still hold objects.
   * @default false
   */
  readonly forceDestroy?: boolean | IResolvable;
  /**
   * `lifecycle { prevent_destroy = true }` on every bucket.
   * @default true
   */
  readonly preventDestroy?: boolean;
  /**
   * Days after which incomplete multipart uploads are aborted. 1-365.
   * @default 7
   */
  readonly abortIncompleteMultipartUploadDays?: number;
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
    if (isToken(entry.id) || !OUTPUT_BUCKET_ID_PATTERN.test(entry.id ?? "")) {
      fail(NAME, `outputBuckets[${i}].id`, "1-32 lowercase letters, digits or hyphens, starting and ending with a letter or digit", entry.id);
    }
    if (ids.has(entry.id)) fail(NAME, `outputBuckets[${i}].id`, "unique among outputBuckets", entry.id);
    ids.add(entry.id);
    if (entry.bucketName !== undefined && !isToken(entry.bucketName)) {
      if (names.has(entry.bucketName)) fail(NAME, `outputBuckets[${i}].bucketName`, "unique among outputBuckets", entry.bucketName);
      names.add(entry.bucketName);
    }
  });
  checkPrincipalArns(NAME, "keyUserArns", props.keyUserArns ?? []);
  // The user policy is the key users' half of their access: without key users it would grant
  // key use to whoever it is attached to, outside the key policy's list.
  if (props.userPolicy !== false && (props.keyUserArns ?? []).length === 0) {
    fail(NAME, "keyUserArns", "at least one principal ARN when userPolicy is not false (the user policy is for the key users)", props.keyUserArns ?? []);
  }
  if (props.userPolicy) {
    if (props.userPolicy.namePrefix !== undefined && !isToken(props.userPolicy.namePrefix) && !IAM_NAME_PATTERN.test(props.userPolicy.namePrefix)) {
      fail(NAME, "userPolicy.namePrefix", "1-64 letters, digits or +=,.@_-", props.userPolicy.namePrefix);
    }
    (props.userPolicy.attachToRoleNames ?? []).forEach((role, i) => {
      checkWord(NAME, `userPolicy.attachToRoleNames[${i}]`, role);
      if (!isToken(role) && (role.startsWith("arn:") || !IAM_NAME_PATTERN.test(role))) {
        fail(NAME, `userPolicy.attachToRoleNames[${i}]`, "an IAM role name (not an ARN): 1-64 letters, digits or +=,.@_-", role);
      }
    });
  }
  if (props.outputNamePrefix !== undefined && !/^([a-z][a-z0-9_]*)?$/.test(props.outputNamePrefix)) {
    fail(NAME, "outputNamePrefix", "empty or lowercase letters, digits and '_' starting with a letter", props.outputNamePrefix);
  }
}

/**
 * Encryption for an ML service end to end: the key (new, bring-your-own or replica), the
 * console bucket, output buckets, an IAM policy for the service's users, and outputs.
 */
export class LookoutVisionEncryption extends Construct {
  readonly profile: ServiceProfile;
  readonly key: LookoutVisionKey;
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
    const env: AwsEnvironmentProps = { region: props.region, accountId: props.accountId, partition: props.partition, provider: props.provider };
    const imported = props.key?.existingKeyArn !== undefined;
    this.key = new LookoutVisionKey(this, "Key", {
      ...env,
      ...props.key,
      profile: this.profile,
      keyUserArns: imported ? undefined : this.keyUserArns,
      tags: imported ? undefined : (props.key?.tags ?? props.tags),
    });

    const { accessLogs, ...settings } = props.bucketSettings ?? {};
    if (accessLogs) {
      this.accessLogBucket = new AccessLogBucket(this, "AccessLogs", {
        ...env,
        bucketPrefix: `${this.profile.slug}-logs-`,
        expireAfterDays: accessLogs === true ? undefined : accessLogs.expireAfterDays,
        minimumTlsVersion: settings.minimumTlsVersion,
        forceDestroy: settings.forceDestroy,
        preventDestroy: settings.preventDestroy,
        tags: props.tags,
      });
    }
    const logTargetPrefix = accessLogs === true || !accessLogs ? "" : (accessLogs.targetPrefix ?? "");
    /** Every bucket's logs go to the shared log bucket, under a prefix of their own. */
    const logsUnder = (prefix: string) => (this.accessLogBucket ? { destination: this.accessLogBucket, targetPrefix: `${logTargetPrefix}${prefix}` } : false);
    const bucketProps = { ...env, ...settings, encryptionKey: this.key, tags: props.tags };
    if (props.consoleBucket !== false) {
      this.consoleBucket = new ConsoleBucket(this, "ConsoleBucket", {
        ...bucketProps,
        ...props.consoleBucket,
        profile: this.profile,
        accessLogs: logsUnder("console/"),
      });
    }
    for (const entry of props.outputBuckets ?? []) {
      this.outputBuckets[entry.id] = new OutputBucket(this, `OutputBucket-${entry.id}`, {
        ...bucketProps,
        bucketName: entry.bucketName,
        prefix: entry.prefix,
        profile: this.profile,
        accessLogs: logsUnder(`output-${entry.id}/`),
      });
    }

    if (props.userPolicy !== false) {
      const options = props.userPolicy ?? {};
      this.userPolicy = new IamPolicy(this, "UserPolicy", {
        provider: props.provider,
        namePrefix: options.namePrefix ?? `${this.profile.slug}-users-`,
        description: `Use ${this.profile.displayName} with its encrypted buckets and KMS key`,
        policy: this.userPolicyJson,
        tags: props.tags,
      });
      for (const role of options.attachToRoleNames ?? []) {
        new IamRolePolicyAttachment(this, `UserPolicyAttachment-${role}`, { provider: props.provider, role, policyArn: this.userPolicy.arn });
      }
    }
    if (props.outputs ?? true) this.addOutputs(props.outputNamePrefix ?? "");
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
    if (this.key.aliasName) output("key_alias", this.key.aliasName, "Alias of the KMS key");
    if (this.key.imported) {
      output("key_policy_statements_for_key_owner", this.keyPolicyStatementsForKeyOwnerJson, "Key policy statements the owner of the existing key must add for this account's users");
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
