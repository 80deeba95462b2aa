import { IResolvable, Lazy } from "cdktf";
import { Construct } from "constructs";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { AwsEnvironment, AwsEnvironmentProps, resolveAwsEnvironment } from "./aws-environment";
import { IEncryptionKey } from "./lookout-vision-key";
import { AccessLogBucket, LOG_EXPIRATION_DAYS } from "./access-log-bucket";
import { MINIMUM_TLS_VERSIONS, type MinimumTlsVersion, addBucketBaseline, lifecycleRules, versioningStatus } from "./private/bucket-baseline";
import { encryptedBucketPolicy } from "./policies/bucket-policy";
import { PolicyDocument, PolicyStatement } from "./policies/policy-document";
import { SID_PATTERN, checkBucketName, checkBucketNaming, checkIntegerInRange, checkKmsKeyArnLocation, checkOneOf, checkS3Prefix, checkTags, fail, isToken } from "./validation";

export { MINIMUM_TLS_VERSIONS } from "./private/bucket-baseline";
export type { MinimumTlsVersion } from "./private/bucket-baseline";

/** Sids of the statements every EncryptedBucket policy starts with; callers' statements may not reuse them. */
export const ENCRYPTED_BUCKET_POLICY_SIDS = ["DenyInsecureTransport", "DenyOutdatedTls", "DenyNonKmsEncryptionHeader", "DenyOtherKmsKey", "DenySseC"];

/** Where a bucket's logs go in the log bucket and how long new log buckets keep them. */
export interface SharedAccessLogsOptions {
  /**
   * Key prefix of this bucket's logs in the log bucket.
   * @default "" (logs at the top of the log bucket)
   */
  readonly targetPrefix?: string;
  /**
   * Days after which log objects of the new log bucket expire. 1-3650.
   * @default 365
   */
  readonly expireAfterDays?: number;
}

export interface AccessLogsOptions extends SharedAccessLogsOptions {
  /**
   * An existing log bucket to deliver to, shared with other buckets (give each its own
   * `targetPrefix`). Conflicts with `bucketName` and `expireAfterDays`, which configure a new one.
   * @default a new AccessLogBucket for this bucket
   */
  readonly destination?: AccessLogBucket;
  /**
   * Name of the new log bucket.
   * @default "<bucket name>-logs" when the bucket has a name, else a Terraform-generated "access-logs-..." name
   */
  readonly bucketName?: string;
}

/** Everything an EncryptedBucket takes but its name: what buckets named for the user (ConsoleBucket) take too. */
export interface EncryptedBucketOptions extends AwsEnvironmentProps {
  /** The key for SSE-KMS: a LookoutVisionKey (created or bring-your-own) or a KMS key ARN. Required. */
  readonly encryptionKey: IEncryptionKey | string;
  /**
   * Keep every version of every object (protects against overwrite and delete).
   * @default true
   */
  readonly versioned?: boolean | IResolvable;
  /**
   * Days after which incomplete multipart uploads are aborted (their parts cost money, unseen). 1-365.
   * @default 7
   */
  readonly abortIncompleteMultipartUploadDays?: number;
  /**
   * Minimum TLS version a request must use: "1.2" or "1.3".
   * @default "1.2"
   */
  readonly minimumTlsVersion?: MinimumTlsVersion;
  /**
   * Deny requests without TLS or below `minimumTlsVersion`. Turning it off also needs
   * `acknowledgeInsecureTransport: true`.
   * @default true
   */
  readonly enforceTls?: boolean;
  /**
   * Required with `enforceTls: false`: says you accept plain-HTTP requests to this bucket.
   * @default false
   */
  readonly acknowledgeInsecureTransport?: boolean;
  /**
   * All four public access block settings. Turning it off also needs `acknowledgePublicAccess: true`.
   * @default true
   */
  readonly blockPublicAccess?: boolean;
  /**
   * Required with `blockPublicAccess: false`: says you accept that the bucket can be made public.
   * @default false
   */
  readonly acknowledgePublicAccess?: boolean;
  /**
   * Server access logging into a separate SSE-S3 log bucket (public access blocked, TLS only).
   * @default false
   */
  readonly accessLogs?: boolean | AccessLogsOptions;
  /**
   * Statements added after ours to the bucket policy. Their Sids must be alphanumeric and unique.
   * @default []
   * @jsii ignore IAM spelling; other languages call `addToResourcePolicyJson`.
   */
  readonly additionalPolicyStatements?: PolicyStatement[];
  /**
   * `force_destroy`: let `terraform destroy` delete a bucket that still holds objects.
   * @default false
   */
  readonly forceDestroy?: boolean | IResolvable;
  /**
   * `lifecycle { prevent_destroy = true }` on the bucket (and its log bucket).
   * @default true
   */
  readonly preventDestroy?: boolean;
  /**
   * Adopt a bucket that already exists with this name (Terraform `import` block; root modules only),
   * for example the bucket a service console created. Needs a literal `bucketName`.
   * @default false
   */
  readonly importExisting?: boolean;
  /**
   * Tags on the bucket.
   * @default {}
   */
  readonly tags?: Record<string, string>;
}

export interface EncryptedBucketProps extends EncryptedBucketOptions {
  /**
   * Bucket name, checked against S3 naming rules. IMPORTANT: changing it replaces the bucket.
   * @default a Terraform-generated name (`bucket_prefix` when given)
   */
  readonly bucketName?: string;
  /**
   * Prefix of a Terraform-generated name; conflicts with bucketName.
   * @default none
   */
  readonly bucketPrefix?: string;
}

const NAME = "EncryptedBucket";
/** Allowed `abortIncompleteMultipartUploadDays`. */
export const ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS = { min: 1, max: 365 } as const;

function validate(props: EncryptedBucketProps, construct: string): void {
  if (props.encryptionKey === undefined || props.encryptionKey === null || (props.encryptionKey as unknown) === "") {
    fail(construct, "encryptionKey", "a LookoutVisionKey or a KMS key ARN (every bucket is SSE-KMS)", props.encryptionKey);
  }
  if (typeof props.encryptionKey === "string") checkKmsKeyArnLocation(construct, "encryptionKey", props.encryptionKey, props);
  checkBucketNaming(construct, props);
  if (props.abortIncompleteMultipartUploadDays !== undefined) {
    checkIntegerInRange(
      construct,
      "abortIncompleteMultipartUploadDays",
      props.abortIncompleteMultipartUploadDays,
      ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS.min,
      ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS.max,
    );
  }
  if (props.minimumTlsVersion !== undefined) checkOneOf(construct, "minimumTlsVersion", props.minimumTlsVersion, MINIMUM_TLS_VERSIONS);
  if (props.enforceTls === false && props.acknowledgeInsecureTransport !== true) {
    fail(construct, "enforceTls", "true unless acknowledgeInsecureTransport is also true (plain HTTP would be allowed)", false);
  }
  if (props.blockPublicAccess === false && props.acknowledgePublicAccess !== true) {
    fail(construct, "blockPublicAccess", "true unless acknowledgePublicAccess is also true (the bucket could be made public)", false);
  }
  if (typeof props.accessLogs === "object") {
    for (const prop of ["bucketName", "expireAfterDays"] as const) {
      if (props.accessLogs.destination !== undefined && props.accessLogs[prop] !== undefined) {
        fail(construct, `accessLogs.${prop}`, "unset with accessLogs.destination (it configures a new log bucket)", props.accessLogs[prop]);
      }
    }
    if (props.accessLogs.bucketName !== undefined) checkBucketName(construct, "accessLogs.bucketName", props.accessLogs.bucketName);
    if (props.accessLogs.targetPrefix) checkS3Prefix(construct, "accessLogs.targetPrefix", props.accessLogs.targetPrefix);
    if (props.accessLogs.expireAfterDays !== undefined) checkIntegerInRange(construct, "accessLogs.expireAfterDays", props.accessLogs.expireAfterDays, LOG_EXPIRATION_DAYS.min, LOG_EXPIRATION_DAYS.max);
  }
  const newLogBucket = props.accessLogs === true || (typeof props.accessLogs === "object" && props.accessLogs.destination === undefined);
  if (newLogBucket && (typeof props.accessLogs !== "object" || props.accessLogs.bucketName === undefined) && props.bucketName !== undefined) {
    checkBucketName(construct, "accessLogs.bucketName (default: bucketName + \"-logs\")", `${props.bucketName}-logs`);
  }
  if (props.importExisting && (props.bucketName === undefined || isToken(props.bucketName))) {
    fail(construct, "importExisting", "used with a literal bucketName (the import block needs the name)", props.bucketName);
  }
  (props.additionalPolicyStatements ?? []).forEach((s, i) => checkCallerSid(construct, `additionalPolicyStatements[${i}].Sid`, s.Sid));
  if (props.tags) checkTags(construct, "tags", props.tags);
}

/** Sids of the caller's bucket policy statements: alphanumeric (as IAM requires) and not one of ours. */
function checkCallerSid(construct: string, prop: string, sid: string): void {
  if (typeof sid !== "string" || !SID_PATTERN.test(sid) || ENCRYPTED_BUCKET_POLICY_SIDS.includes(sid)) {
    fail(construct, prop, `alphanumeric and none of ${ENCRYPTED_BUCKET_POLICY_SIDS.join(", ")}`, sid);
  }
}

/** One IAM policy statement from JSON text: an object, else a clear error. */
function parseStatement(construct: string, prop: string, text: string): PolicyStatement {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    fail(construct, prop, "JSON text of one IAM policy statement", text);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) fail(construct, prop, "JSON text of one IAM policy statement (an object)", text);
  return value as PolicyStatement;
}

/**
 * An S3 bucket whose default encryption is SSE-KMS with the given key (bucket key on, SSE-C
 * blocked), public access blocked, ACLs off, versioned, and whose policy refuses non-TLS
 * requests and uploads that name another encryption or key.
 */
export class EncryptedBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly keyArn: string;
  readonly environment: AwsEnvironment;
  /** Where this bucket's server access logs go, when `accessLogs` is on. */
  readonly logBucket?: AccessLogBucket;
  private readonly additionalStatements: PolicyStatement[];
  private readonly constructName: string;
  private readonly enforceTls: boolean;
  private readonly minimumTlsVersion: MinimumTlsVersion;

  /** @param constructName name used in error messages by constructs built on this one */
  constructor(scope: Construct, id: string, props: EncryptedBucketProps, constructName: string = NAME) {
    super(scope, id);
    validate(props, constructName);
    this.constructName = constructName;
    this.environment = resolveAwsEnvironment(this, constructName, props);
    this.keyArn = typeof props.encryptionKey === "string" ? props.encryptionKey : props.encryptionKey.keyArn;
    this.additionalStatements = [...(props.additionalPolicyStatements ?? [])];
    this.enforceTls = props.enforceTls ?? true;
    this.minimumTlsVersion = props.minimumTlsVersion ?? "1.2";
    const env = this.environment;
    const preventDestroy = props.preventDestroy ?? true;
    const forceDestroy = props.forceDestroy ?? false;

    this.bucket = new S3Bucket(this, "Bucket", {
      provider: env.provider,
      region: env.resourceRegion,
      bucket: props.bucketName,
      bucketPrefix: props.bucketPrefix,
      forceDestroy,
      tags: props.tags,
      lifecycle: { preventDestroy },
    });
    if (props.importExisting) this.bucket.importFrom(props.bucketName as string, env.provider);
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
    const common = { provider: env.provider, region: env.resourceRegion, bucket: this.bucket.id };

    new S3BucketServerSideEncryptionConfigurationA(this, "Encryption", {
      ...common,
      rule: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.keyArn },
          bucketKeyEnabled: true,
          blockedEncryptionTypes: ["SSE-C"],
        },
      ],
    });
    new S3BucketVersioningA(this, "Versioning", {
      ...common,
      versioningConfiguration: { status: versioningStatus(props.versioned ?? true) },
    });
    new S3BucketLifecycleConfiguration(this, "Lifecycle", {
      ...common,
      rule: lifecycleRules(props.abortIncompleteMultipartUploadDays ?? 7),
    });
    addBucketBaseline(this, this.bucket, {
      env,
      blockPublicAccess: props.blockPublicAccess ?? true,
      policy: Lazy.stringValue({ produce: () => this.policyJson }),
    });

    if (props.accessLogs) {
      const options: AccessLogsOptions = props.accessLogs === true ? {} : props.accessLogs;
      this.logBucket = this.addAccessLogs(options, props.bucketName, { preventDestroy, forceDestroy });
    }
  }

  /**
   * The bucket policy as it will be synthesized (ours first, then the caller's).
   * @jsii ignore IAM spelling; other languages read `policyJson`.
   */
  get policyDocument(): PolicyDocument {
    return encryptedBucketPolicy({
      bucketArn: this.bucketArn,
      keyArn: this.keyArn,
      enforceTls: this.enforceTls,
      minimumTlsVersion: this.minimumTlsVersion,
      additionalStatements: this.additionalStatements,
    });
  }

  /** The bucket policy as synthesized: JSON text, in IAM's spelling. */
  get policyJson(): string {
    return JSON.stringify(this.policyDocument);
  }

  /**
   * Appends a statement to the bucket policy; ours stay.
   * @jsii ignore IAM spelling; other languages call `addToResourcePolicyJson`.
   */
  addToResourcePolicy(statement: PolicyStatement): void {
    checkCallerSid(this.constructName, "addToResourcePolicy(statement).Sid", statement.Sid);
    this.additionalStatements.push(statement);
  }

  /** Appends a statement given as IAM JSON text (`{"Sid": ..., "Effect": ...}`) to the bucket policy; ours stay. */
  addToResourcePolicyJson(statementJson: string): void {
    this.addToResourcePolicy(parseStatement(this.constructName, "addToResourcePolicyJson(statementJson)", statementJson));
  }

  private addAccessLogs(options: AccessLogsOptions, sourceName: string | undefined, destroy: { preventDestroy: boolean; forceDestroy: boolean | IResolvable }): AccessLogBucket {
    const env = this.environment;
    const destination =
      options.destination ??
      new AccessLogBucket(this, "AccessLogs", {
        region: env.resourceRegion,
        accountId: env.accountId,
        partition: env.partition,
        provider: env.provider,
        bucketName: options.bucketName ?? (sourceName !== undefined ? `${sourceName}-logs` : undefined),
        expireAfterDays: options.expireAfterDays,
        minimumTlsVersion: this.minimumTlsVersion,
        ...destroy,
      });
    destination.addSource(this.bucketArn);
    new S3BucketLoggingA(this, "Logging", {
      provider: env.provider,
      region: env.resourceRegion,
      bucket: this.bucket.id,
      targetBucket: destination.bucket.id,
      targetPrefix: options.targetPrefix ?? "",
    });
    return destination;
  }
}
