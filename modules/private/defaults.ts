import { ServiceProfile } from "../service-profile";

/**
 * Every default of the constructs and every name they derive, in one place: the constructs
 * read them here, and so do the Terraform module's variables (tools/terraform-module); a test
 * holds each Props interface's `@default` to them.
 */
export const DEFAULTS = {
  /** LookoutVisionKey */
  rotationPeriodInDays: 365,
  deletionWindowInDays: 30,
  multiRegion: false,
  allowAccountRootAccess: true,
  /** every bucket and key */
  preventDestroy: true,
  forceDestroy: false,
  minimumTlsVersion: "1.2",
  /** data buckets (EncryptedBucket) */
  versioned: true,
  abortIncompleteMultipartUploadDays: 7,
  enforceTls: true,
  blockPublicAccess: true,
  /** access log buckets */
  expireAfterDays: 365,
  logBucketPrefix: "access-logs-",
  targetPrefix: "",
  /** output buckets */
  outputPrefix: "training-output/",
  /** LookoutVisionEncryption */
  outputNamePrefix: "",
  outputs: true,
} as const;

/** Names the constructs give what the user does not name, from the service profile. */
export const NAMES = {
  keyAlias: (profile: ServiceProfile): string => `alias/${profile.slug}`,
  keyDescription: (profile: ServiceProfile): string => `${profile.displayName} data: training images, models and manifests`,
  /** `<prefix><region>-<suffix>`, the bucket the service console creates. */
  consoleBucketName: (profile: Pick<ServiceProfile, "consoleBucketPrefix">, region: string, suffix: string): string =>
    `${profile.consoleBucketPrefix}${region}-${suffix}`,
  /** A bucket's own log bucket. */
  logBucketName: (bucketName: string): string => `${bucketName}-logs`,
  /** The log bucket LookoutVisionEncryption shares among its buckets (Terraform adds a unique suffix). */
  sharedLogBucketPrefix: (profile: Pick<ServiceProfile, "slug">): string => `${profile.slug}-logs-`,
  /** Where each bucket of LookoutVisionEncryption logs in the shared log bucket, after `targetPrefix`. */
  consoleLogPrefix: "console/",
  outputLogPrefix: (id: string): string => `output-${id}/`,
  outputBucketId: (id: string): string => `OutputBucket-${id}`,
  userPolicyNamePrefix: (profile: Pick<ServiceProfile, "slug">): string => `${profile.slug}-users-`,
  userPolicyDescription: (profile: ServiceProfile): string => `Use ${profile.displayName} with its encrypted buckets and KMS key`,
  userPolicyAttachmentId: (key: string): string => `UserPolicyAttachment-${key}`,
} as const;
