/**
 * The checkov checks our design deliberately does not meet, each with the reason: the one
 * table that `npm run scan`, docs/posture.md and the Terraform module's
 * `#checkov:skip=<check>:<reason>` comments come from.
 *
 * A skip covers the resources of one type, or only the buckets that receive S3 server access
 * logs. checkov 3.3 reads no skip in Terraform JSON (cdk.tf.json), so the scan applies this
 * table to checkov's results per resource; in HCL, checkov reads the comments itself.
 */

/** Which resources of the type a skip covers. */
export type SkipScope = "every resource of the type" | "access log buckets";

export interface CheckovSkip {
  /** checkov check id, e.g. CKV_AWS_145. */
  readonly check: string;
  /** Terraform resource type the check reports on. */
  readonly resourceType: string;
  readonly scope: SkipScope;
  /** Why the design differs, in one line: it becomes the skip comment. */
  readonly reason: string;
}

export const CHECKOV_SKIPS: readonly CheckovSkip[] = [
  {
    check: "CKV2_AWS_62",
    resourceType: "aws_s3_bucket",
    scope: "every resource of the type",
    reason:
      "Event notifications: nothing reacts to object events here; Lookout for Vision reads and writes these buckets itself. Add an aws_s3_bucket_notification when a workflow needs one.",
  },
  {
    check: "CKV_AWS_144",
    resourceType: "aws_s3_bucket",
    scope: "every resource of the type",
    reason:
      "Cross-region replication: the service reads data sets and writes models in the bucket's own region; a replica would be one more copy of confidential training data, in another region under another key. Versioning keeps overwritten and deleted objects; add replication where a recovery plan requires it.",
  },
  {
    check: "CKV_AWS_145",
    resourceType: "aws_s3_bucket",
    scope: "access log buckets",
    reason:
      "S3 cannot deliver server access logs to a bucket whose default encryption is SSE-KMS, so the log bucket uses SSE-S3; it holds request logs, never training data.",
  },
  {
    check: "CKV_AWS_21",
    resourceType: "aws_s3_bucket",
    scope: "access log buckets",
    reason:
      "The S3 logging service writes each log object once under a unique key, and logs expire after expireAfterDays (365): versioning would keep every expired log as a noncurrent version. Data buckets are versioned (LVE-S3-008).",
  },
];

/** What the scan or the module writer knows about one resource. */
export interface SkipSubject {
  readonly resourceType: string;
  /** The bucket receives S3 server access logs (the target of an aws_s3_bucket_logging). */
  readonly receivesAccessLogs: boolean;
}

function covers(skip: CheckovSkip, subject: SkipSubject): boolean {
  if (skip.resourceType !== subject.resourceType) return false;
  return skip.scope === "every resource of the type" || subject.receivesAccessLogs;
}

/** The skips that apply to one resource, in table order. */
export function checkovSkipsFor(subject: SkipSubject): CheckovSkip[] {
  return CHECKOV_SKIPS.filter((skip) => covers(skip, subject));
}

/**
 * The directive the HCL module writes as a comment line inside the resource block, for each
 * of `checkovSkipsFor(...)`: checkov reads `checkov:skip=<id>:<reason>` up to the end of the line.
 */
export function checkovSkipDirective(skip: CheckovSkip): string {
  return `checkov:skip=${skip.check}:${skip.reason}`;
}
