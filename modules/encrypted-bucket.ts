import { IResolvable, Lazy } from "cdktf";
import { Construct } from "constructs";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { AwsEnvironment, AwsEnvironmentProps } from "./aws-environment";
import { AccessLogBucket } from "./access-log-bucket";
import { DataBucketOptions, MinimumTlsVersion, SharedAccessLogsOptions } from "./bucket-options";
import { IEncryptionKey, LookoutVisionKey } from "./lookout-vision-key";
import { ENCRYPTED_BUCKET_POLICY_SIDS, encryptedBucketPolicy } from "./policies/bucket-policy";
import { PolicyDocument, PolicyStatement } from "./policies/policy-document";
import { addBucketBaseline, lifecycleRules, versioningStatus } from "./private/bucket-baseline";
import { DEFAULTS, NAMES } from "./private/defaults";
import { environmentProps, resolveAwsEnvironment } from "./private/environment";
import { ALLOWED } from "./private/messages";
import {
  ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS,
  LOG_EXPIRATION_DAYS,
  MINIMUM_TLS_VERSIONS,
  SID_PATTERN,
  checkBucketName,
  checkBucketNaming,
  checkIntegerInRange,
  checkKmsKeyArnLocation,
  checkOneOf,
  checkS3Prefix,
  checkTags,
  fail,
  isToken,
} from "./validation";

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
export interface EncryptedBucketOptions extends AwsEnvironmentProps, DataBucketOptions {
  /** The key for SSE-KMS: a LookoutVisionKey (created, or imported with `LookoutVisionKey.fromKeyArn`) or a KMS key ARN. Required. */
  readonly encryptionKey: IEncryptionKey | string;
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
  /**
   * Adopt a bucket that already exists with this name (Terraform `import` block; root modules only).
   * Needs a literal `bucketName`.
   * @default false
   */
  readonly importExisting?: boolean;
}

const NAME = "EncryptedBucket";

function validate(props: EncryptedBucketProps, construct: string): void {
  if (props.encryptionKey === undefined || props.encryptionKey === null || (props.encryptionKey as unknown) === "") {
    fail(construct, "encryptionKey", ALLOWED.encryptionKey, props.encryptionKey);
  }
  if (typeof props.encryptionKey === "string") checkKmsKeyArnLocation(construct, "encryptionKey", props.encryptionKey, props);
  checkBucketNaming(construct, props);
  if (props.abortIncompleteMultipartUploadDays !== undefined) {
    checkIntegerInRange(
      construct,
      "abortIncompleteMultipartUploadDays",
      props.abortIncompleteMultipartUploadDays,
      ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS,
    );
  }
  if (props.minimumTlsVersion !== undefined) checkOneOf(construct, "minimumTlsVersion", props.minimumTlsVersion, MINIMUM_TLS_VERSIONS);
  if (props.enforceTls === false && props.acknowledgeInsecureTransport !== true) fail(construct, "enforceTls", ALLOWED.tlsEnforced, false);
  if (props.blockPublicAccess === false && props.acknowledgePublicAccess !== true)
    fail(construct, "blockPublicAccess", ALLOWED.publicAccessBlocked, false);
  if (typeof props.accessLogs === "object") {
    for (const prop of ["bucketName", "expireAfterDays"] as const) {
      if (props.accessLogs.destination !== undefined && props.accessLogs[prop] !== undefined) {
        fail(construct, `accessLogs.${prop}`, ALLOWED.unsetWithDestination, props.accessLogs[prop]);
      }
    }
    if (props.accessLogs.bucketName !== undefined) checkBucketName(construct, "accessLogs.bucketName", props.accessLogs.bucketName);
    if (props.accessLogs.targetPrefix) checkS3Prefix(construct, "accessLogs.targetPrefix", props.accessLogs.targetPrefix);
    if (props.accessLogs.expireAfterDays !== undefined)
      checkIntegerInRange(construct, "accessLogs.expireAfterDays", props.accessLogs.expireAfterDays, LOG_EXPIRATION_DAYS);
  }
  const newLogBucket = props.accessLogs === true || (typeof props.accessLogs === "object" && props.accessLogs.destination === undefined);
  if (newLogBucket && (typeof props.accessLogs !== "object" || props.accessLogs.bucketName === undefined) && props.bucketName !== undefined) {
    checkBucketName(construct, 'accessLogs.bucketName (default: bucketName + "-logs")', NAMES.logBucketName(props.bucketName));
  }
  if (props.importExisting && (props.bucketName === undefined || isToken(props.bucketName))) {
    fail(construct, "importExisting", ALLOWED.literalBucketNameForImport, props.bucketName);
  }
  (props.additionalPolicyStatements ?? []).forEach((s, i) => checkCallerSid(construct, `additionalPolicyStatements[${i}].Sid`, s.Sid));
  if (props.tags) checkTags(construct, "tags", props.tags);
}

/** Sids of the caller's bucket policy statements: alphanumeric (as IAM requires) and not one of ours. */
function checkCallerSid(construct: string, prop: string, sid: string): void {
  if (typeof sid !== "string" || !SID_PATTERN.test(sid) || ENCRYPTED_BUCKET_POLICY_SIDS.includes(sid)) {
    fail(construct, prop, ALLOWED.callerSid(ENCRYPTED_BUCKET_POLICY_SIDS), sid);
  }
}

/** One IAM policy statement from JSON text: an object, else a clear error. */
function parseStatement(construct: string, prop: string, text: string): PolicyStatement {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    fail(construct, prop, ALLOWED.statementJson, text);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) fail(construct, prop, ALLOWED.statementJsonObject, text);
  return value as PolicyStatement;
}

/**
 * An S3 bucket whose default encryption is SSE-KMS with the given key (bucket key on, SSE-C
 * blocked), public access blocked, ACLs off, versioned, and whose policy refuses non-TLS
 * requests and uploads that name another encryption or key. A log bucket of its own
 * (`accessLogs: true`) takes the bucket's destroy settings.
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
  private readonly enforceTls: boolean;
  private readonly minimumTlsVersion: MinimumTlsVersion;

  constructor(scope: Construct, id: string, props: EncryptedBucketProps) {
    super(scope, id);
    const construct = this._constructName;
    validate(props, construct);
    this.environment = resolveAwsEnvironment(this, construct, props);
    this.keyArn = typeof props.encryptionKey === "string" ? props.encryptionKey : props.encryptionKey.keyArn;
    this.additionalStatements = [...(props.additionalPolicyStatements ?? [])];
    this.enforceTls = props.enforceTls ?? DEFAULTS.enforceTls;
    this.minimumTlsVersion = props.minimumTlsVersion ?? DEFAULTS.minimumTlsVersion;
    const env = this.environment;
    const preventDestroy = props.preventDestroy ?? DEFAULTS.preventDestroy;
    const forceDestroy = props.forceDestroy ?? DEFAULTS.forceDestroy;

    this.bucket = new S3Bucket(this, "Bucket", {
      provider: env.provider,
      region: env.resourceRegion,
      bucket: props.bucketName,
      bucketPrefix: props.bucketPrefix,
      forceDestroy,
      tags: props.tags,
      // Destroy deletes a key made here only after its buckets: a bucket it cannot delete
      // (objects in it, force_destroy off) keeps the key its objects need.
      dependsOn: props.encryptionKey instanceof LookoutVisionKey ? [props.encryptionKey.resource] : undefined,
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
      versioningConfiguration: { status: versioningStatus(props.versioned ?? DEFAULTS.versioned) },
    });
    new S3BucketLifecycleConfiguration(this, "Lifecycle", {
      ...common,
      rule: lifecycleRules(props.abortIncompleteMultipartUploadDays ?? DEFAULTS.abortIncompleteMultipartUploadDays),
    });
    addBucketBaseline(this, this.bucket, {
      env,
      blockPublicAccess: props.blockPublicAccess ?? DEFAULTS.blockPublicAccess,
      policy: Lazy.stringValue({ produce: () => this.policyJson }),
    });

    if (props.accessLogs) {
      const options: AccessLogsOptions = props.accessLogs === true ? {} : props.accessLogs;
      this.logBucket = this.addAccessLogs(options, props, { preventDestroy, forceDestroy });
    }
  }

  /**
   * The construct named in this construct's errors; a construct built on this one names itself.
   * @internal
   */
  protected get _constructName(): string {
    return NAME;
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
    checkCallerSid(this._constructName, "addToResourcePolicy(statement).Sid", statement.Sid);
    this.additionalStatements.push(statement);
  }

  /** Appends a statement given as IAM JSON text (`{"Sid": ..., "Effect": ...}`) to the bucket policy; ours stay. */
  addToResourcePolicyJson(statementJson: string): void {
    this.addToResourcePolicy(parseStatement(this._constructName, "addToResourcePolicyJson(statementJson)", statementJson));
  }

  private addAccessLogs(
    options: AccessLogsOptions,
    props: EncryptedBucketProps,
    destroy: { preventDestroy: boolean; forceDestroy: boolean | IResolvable },
  ): AccessLogBucket {
    const destination =
      options.destination ??
      new AccessLogBucket(this, "AccessLogs", {
        ...environmentProps(props),
        bucketName: options.bucketName ?? (props.bucketName !== undefined ? NAMES.logBucketName(props.bucketName) : undefined),
        expireAfterDays: options.expireAfterDays,
        minimumTlsVersion: this.minimumTlsVersion,
        ...destroy,
      });
    destination.addSource(this.bucketArn);
    new S3BucketLoggingA(this, "Logging", {
      provider: this.environment.provider,
      region: this.environment.resourceRegion,
      bucket: this.bucket.id,
      targetBucket: destination.bucket.id,
      targetPrefix: options.targetPrefix ?? DEFAULTS.targetPrefix,
      // S3 checks, when logging is turned on, that the target's policy lets log delivery write.
      dependsOn: [destination.policy],
    });
    return destination;
  }
}
