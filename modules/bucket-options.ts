import { IResolvable } from "cdktf";

/** The TLS versions a bucket policy can require: "1.2" or "1.3". */
export type MinimumTlsVersion = "1.2" | "1.3";

/** What every bucket of the package takes: data buckets and access log buckets alike. */
export interface BucketOptions {
  /**
   * Minimum TLS version a request must use: "1.2" or "1.3".
   * @default "1.2"
   */
  readonly minimumTlsVersion?: MinimumTlsVersion;
  /**
   * `force_destroy`: let `terraform destroy` delete a bucket that still holds objects.
   * @default false
   */
  readonly forceDestroy?: boolean | IResolvable;
  /**
   * `lifecycle { prevent_destroy = true }`: a plan that destroys the bucket fails.
   * @default true
   */
  readonly preventDestroy?: boolean;
}

/** What every bucket that holds data takes (EncryptedBucket, and every bucket of LookoutVisionEncryption). */
export interface DataBucketOptions extends BucketOptions {
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
}

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

/** Settings every bucket of a LookoutVisionEncryption shares. */
export interface BucketSettings extends DataBucketOptions {
  /**
   * Server access logs of every bucket into one shared SSE-S3 log bucket, each bucket under its
   * own prefix (`console/`, `output-<id>/`, after `targetPrefix`). The log bucket takes
   * `minimumTlsVersion`, `forceDestroy` and `preventDestroy` too.
   * @default false
   */
  readonly accessLogs?: boolean | SharedAccessLogsOptions;
}
