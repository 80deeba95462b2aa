import { PUBLIC_ACCESS_FLAGS } from "../../modules/posture/bucket-check";
import { Found, PlanContext, Subject, replacement, turnedOff } from "./found";
import { isMarked, pathText, shownAfter, shownBefore, valueAt } from "./plan-json";

/** S3 buckets and the split resources that protect them (versioning, public access block, default encryption). */
export const BUCKET_TYPES = [
  "aws_s3_bucket",
  "aws_s3_bucket_versioning",
  "aws_s3_bucket_public_access_block",
  "aws_s3_account_public_access_block",
  "aws_s3_bucket_server_side_encryption_configuration",
];

/** A setting of a bucket this plan deletes or replaces goes with it: the bucket's own risk says so once. */
function goesWithItsBucket(subject: Subject, context: PlanContext): boolean {
  const bucket = valueAt(subject.change.change.before, ["bucket"]);
  return typeof bucket === "string" && context.bucketsGoing.has(bucket);
}

function bucketItself({ change, kind, address }: Subject): Found[] {
  const found: Found[] = [];
  const name = `bucket ${shownBefore(change.change, ["bucket"])}`;
  if (kind === "delete") {
    const emptied = valueAt(change.change.before, ["force_destroy"]) === true;
    found.push({
      rule: "bucket-delete",
      address,
      attribute: "(resource)",
      before: name,
      after: emptied ? "deleted with every object in it (force_destroy = true)" : "deleted (fails while it holds objects: force_destroy is off)",
    });
  }
  if (kind === "replace") found.push({ rule: "bucket-replace", address, ...replacement(change) });
  const forceDestroyAfter = valueAt(change.change.after, ["force_destroy"]) === true || isMarked(change.change.after_unknown, ["force_destroy"]);
  if ((kind === "update" || kind === "replace") && valueAt(change.change.before, ["force_destroy"]) !== true && forceDestroyAfter) {
    found.push({
      rule: "bucket-force-destroy-on",
      address,
      attribute: "force_destroy",
      before: shownBefore(change.change, ["force_destroy"]),
      after: shownAfter(change.change, ["force_destroy"]),
    });
  }
  return found;
}

const STATUS = ["versioning_configuration", 0, "status"];

function versioning({ change, kind, address }: Subject): Found[] {
  if (valueAt(change.change.before, STATUS) !== "Enabled") return [];
  if (kind === "delete")
    return [
      {
        rule: "bucket-versioning-suspended",
        address,
        attribute: pathText(STATUS),
        before: "Enabled",
        after: "Suspended (destroying this resource suspends versioning)",
      },
    ];
  if (kind !== "update" && kind !== "replace") return [];
  if (valueAt(change.change.after, STATUS) === "Enabled") return [];
  return [{ rule: "bucket-versioning-suspended", address, attribute: pathText(STATUS), before: "Enabled", after: shownAfter(change.change, STATUS) }];
}

function publicAccessBlock({ change, kind, address }: Subject): Found[] {
  return PUBLIC_ACCESS_FLAGS.flatMap((flag): Found[] => {
    if (kind === "delete" && valueAt(change.change.before, [flag]) === true) {
      return [{ rule: "bucket-public-access-block-off", address, attribute: flag, before: "true", after: "false (the block is destroyed)" }];
    }
    if ((kind === "update" || kind === "replace") && turnedOff(change.change, [flag])) {
      return [{ rule: "bucket-public-access-block-off", address, attribute: flag, before: "true", after: shownAfter(change.change, [flag]) }];
    }
    return [];
  });
}

const DEFAULT = "apply_server_side_encryption_by_default";
const isKms = (algorithm: unknown) => typeof algorithm === "string" && algorithm.startsWith("aws:kms");

/** The same key written as key ID and as key ARN. */
function sameKey(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "string" || typeof b !== "string") return false;
  return a.endsWith(`:key/${b}`) || b.endsWith(`:key/${a}`);
}

function encryption({ change, kind, address }: Subject): Found[] {
  const rules = valueAt(change.change.before, ["rule"]);
  if (!Array.isArray(rules)) return [];
  return rules.flatMap((_, index): Found[] => {
    const path = (attribute: string) => ["rule", index, DEFAULT, 0, attribute];
    const algorithm = path("sse_algorithm");
    const key = path("kms_master_key_id");
    if (!isKms(valueAt(change.change.before, algorithm))) return [];
    if (kind === "delete") {
      return [
        {
          rule: "bucket-encryption-changed",
          address,
          attribute: pathText(algorithm),
          before: shownBefore(change.change, algorithm),
          after: "AES256 (S3's default once this resource is destroyed)",
        },
      ];
    }
    if (kind !== "update" && kind !== "replace") return [];
    if (!isKms(valueAt(change.change.after, algorithm))) {
      return [
        {
          rule: "bucket-encryption-changed",
          address,
          attribute: pathText(algorithm),
          before: shownBefore(change.change, algorithm),
          after: shownAfter(change.change, algorithm),
        },
      ];
    }
    const keyUnknown = isMarked(change.change.after_unknown, key);
    if (keyUnknown || !sameKey(valueAt(change.change.before, key) ?? null, valueAt(change.change.after, key) ?? null)) {
      return [
        {
          rule: "bucket-encryption-changed",
          address,
          attribute: pathText(key),
          before: shownBefore(change.change, key),
          after: shownAfter(change.change, key),
        },
      ];
    }
    return [];
  });
}

export function bucketRisks(subject: Subject, context: PlanContext): Found[] {
  switch (subject.change.type) {
    case "aws_s3_bucket":
      return bucketItself(subject);
    case "aws_s3_bucket_versioning":
      return goesWithItsBucket(subject, context) ? [] : versioning(subject);
    case "aws_s3_bucket_public_access_block":
    case "aws_s3_account_public_access_block":
      return goesWithItsBucket(subject, context) ? [] : publicAccessBlock(subject);
    case "aws_s3_bucket_server_side_encryption_configuration":
      return goesWithItsBucket(subject, context) ? [] : encryption(subject);
    default:
      return [];
  }
}
