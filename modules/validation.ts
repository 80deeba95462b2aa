import { Token } from "cdktf";
import { ALLOWED, mustBe, show } from "./private/messages";

/**
 * Every prop check of every construct lives here, with its patterns and limits; the words come
 * from the message catalog (private/messages.ts). Each check throws
 * `<Construct>: <prop> must be <allowed>, got <value>` and skips unresolved tokens
 * (Terraform variables, resource attributes): those are checked by the Terraform module's
 * `validation` blocks or by AWS at apply time.
 */

export const PARTITIONS = ["aws", "aws-cn", "aws-us-gov"] as const;
export const MINIMUM_TLS_VERSIONS = ["1.2", "1.3"] as const;
/** KMS limits of a key's `rotationPeriodInDays`, `deletionWindowInDays` and `description`. */
export const ROTATION_PERIOD_DAYS = { min: 90, max: 2560 } as const;
export const DELETION_WINDOW_DAYS = { min: 7, max: 30 } as const;
export const DESCRIPTION_MAX_LENGTH = 8192;
export const ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS = { min: 1, max: 365 } as const;
/** How long log objects may be kept. */
export const LOG_EXPIRATION_DAYS = { min: 1, max: 3650 } as const;
/** Output bucket IDs: they name construct IDs, log prefixes and Terraform map keys. */
export const OUTPUT_BUCKET_ID_PATTERN = /^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/;
/** Terraform output name prefixes. */
export const OUTPUT_NAME_PREFIX_PATTERN = /^([a-z][a-z0-9_]*)?$/;
const PARTITION_RE = "(aws|aws-cn|aws-us-gov)";
export const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
export const ACCOUNT_PATTERN = /^\d{12}$/;
/** IAM principals a key or bucket policy can name: account root, users, roles, assumed-role sessions. */
export const PRINCIPAL_ARN_PATTERN = new RegExp(
  `^arn:${PARTITION_RE}:(iam::\\d{12}:(root|user/[\\w+=,.@/-]+|role/[\\w+=,.@/-]+)|sts::\\d{12}:assumed-role/[\\w+=,.@-]+/[\\w+=,.@-]+)$`,
);
export const KMS_KEY_ARN_PATTERN = new RegExp(
  `^arn:${PARTITION_RE}:kms:([a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d):(\\d{12}):key/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`,
);
export const ALIAS_PATTERN = /^alias\/[a-zA-Z0-9/_-]+$/;
export const ALIAS_MAX_LENGTH = 256;
/** AWS managed keys' aliases: a customer managed key may not take one. */
export const RESERVED_ALIAS_PREFIX = "alias/aws/";
/** A piece of a bucket name: lowercase letters, digits and hyphens, starting and ending alphanumeric. */
export const BUCKET_NAME_PART_PATTERN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
/** Policy statement Sids: alphanumeric, as IAM identity policies require. */
export const SID_PATTERN = /^[A-Za-z0-9]+$/;
/** IAM names a user may choose (role names, policy name prefixes): 1-64 of these characters. */
export const IAM_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;
/** Relative S3 key prefix: not starting with '/', no '//', no whitespace. */
export const S3_PREFIX_PATTERN = /^[^/\s]([^/\s]|\/[^/\s])*\/?$/;
export const S3_PREFIX_MAX_LENGTH = 1024;
/** Terraform adds a 26-character unique suffix to a bucket prefix: 63 - 26. */
export const BUCKET_PREFIX_MAX_LENGTH = 37;
export const BUCKET_PREFIX_PATTERN = new RegExp(`^[a-z0-9][a-z0-9.-]{0,${BUCKET_PREFIX_MAX_LENGTH - 1}}$`);
export const TAG_KEY_MAX_LENGTH = 128;
export const TAG_VALUE_MAX_LENGTH = 256;
/** Tag keys AWS keeps for itself. */
export const RESERVED_TAG_PREFIX = "aws:";

/**
 * S3 general purpose bucket naming rules, in the order they are reported: a valid name matches
 * each pattern whose `valid` is true and none whose `valid` is false. Data, so the Terraform
 * module's `validation` blocks are generated from the same rules.
 */
export const BUCKET_NAME_RULES: readonly { readonly rule: string; readonly pattern: RegExp; readonly valid: boolean }[] = [
  { rule: "3-63 characters", pattern: /^[\s\S]{3,63}$/, valid: true },
  { rule: "only lowercase letters, digits, '.' and '-'", pattern: /^[a-z0-9.-]+$/, valid: true },
  { rule: "must start and end with a letter or digit", pattern: /^[a-z0-9][\s\S]*[a-z0-9]$/, valid: true },
  { rule: "no two adjacent periods", pattern: /\.\./, valid: false },
  { rule: "must not be formatted as an IP address", pattern: /^\d{1,3}(\.\d{1,3}){3}$/, valid: false },
  { rule: 'must not start with "xn--", "sthree-" or "amzn-s3-demo-"', pattern: /^(xn--|sthree-|amzn-s3-demo-)/, valid: false },
  { rule: 'must not end with "-s3alias", "--ol-s3", ".mrap" or "--x-s3"', pattern: /(-s3alias|--ol-s3|\.mrap|--x-s3)$/, valid: false },
];

export function isToken(value: unknown): boolean {
  return Token.isUnresolved(value);
}

export function fail(construct: string, prop: string, allowed: string, value: unknown): never {
  throw new Error(mustBe(`${construct}: ${prop}`, allowed, show(value)));
}

export function checkIntegerInRange(construct: string, prop: string, value: number, range: { readonly min: number; readonly max: number }): void {
  if (isToken(value)) return;
  if (typeof value !== "number" || !Number.isInteger(value) || value < range.min || value > range.max) {
    fail(construct, prop, ALLOWED.wholeNumber(range), value);
  }
}

/** Non-empty, no whitespace: names, ids and ARNs never contain spaces. */
export function checkWord(construct: string, prop: string, value: string): void {
  if (isToken(value)) return;
  if (typeof value !== "string" || value.length === 0 || /\s/.test(value)) {
    fail(construct, prop, ALLOWED.word, value);
  }
}

export function checkOneOf<T extends string>(construct: string, prop: string, value: T, allowed: readonly T[]): void {
  if (isToken(value)) return;
  if (!allowed.includes(value)) fail(construct, prop, ALLOWED.oneOf(allowed), value);
}

export function checkRegion(construct: string, prop: string, value: string): void {
  if (isToken(value)) return;
  if (typeof value !== "string" || !REGION_PATTERN.test(value)) {
    fail(construct, prop, ALLOWED.region, value);
  }
}

export function checkAccountId(construct: string, prop: string, value: string): void {
  if (isToken(value)) return;
  if (typeof value !== "string" || !ACCOUNT_PATTERN.test(value)) fail(construct, prop, ALLOWED.accountId, value);
}

export function checkPrincipalArns(construct: string, prop: string, values: readonly string[]): void {
  // A list token (a Terraform list variable) carries its own validation.
  if (isToken(values)) return;
  values.forEach((value, index) => {
    if (isToken(value)) return;
    if (typeof value !== "string" || !PRINCIPAL_ARN_PATTERN.test(value)) {
      fail(construct, `${prop}[${index}]`, ALLOWED.principalArn, value);
    }
  });
}

export interface KmsKeyArnParts {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly keyId: string;
}

/** Parses a literal KMS key ARN; undefined for tokens. Throws for anything that is not a key ARN. */
export function checkKmsKeyArn(construct: string, prop: string, value: string): KmsKeyArnParts | undefined {
  if (isToken(value)) return undefined;
  const match = typeof value === "string" ? KMS_KEY_ARN_PATTERN.exec(value) : null;
  if (!match) {
    fail(construct, prop, ALLOWED.kmsKeyArn, value);
  }
  return { partition: match[1], region: match[2], accountId: match[4], keyId: match[5] };
}

/**
 * A literal key ARN in the partition and region the construct was given (when given): S3
 * encrypts only with keys of the bucket's region, and no ARN crosses partitions.
 */
export function checkKmsKeyArnLocation(
  construct: string,
  prop: string,
  value: string,
  where: { readonly region?: string; readonly partition?: string },
): void {
  const parts = checkKmsKeyArn(construct, prop, value);
  if (!parts) return;
  if (where.partition !== undefined && !isToken(where.partition) && parts.partition !== where.partition) {
    fail(construct, prop, ALLOWED.keyInPartition(where.partition), value);
  }
  if (where.region !== undefined && !isToken(where.region) && parts.region !== where.region) {
    fail(construct, prop, ALLOWED.keyInRegion(where.region), value);
  }
}

export function checkAlias(construct: string, prop: string, value: string): void {
  if (isToken(value)) return;
  if (typeof value !== "string" || !ALIAS_PATTERN.test(value) || value.length > ALIAS_MAX_LENGTH || value.startsWith(RESERVED_ALIAS_PREFIX)) {
    fail(construct, prop, ALLOWED.alias(ALIAS_MAX_LENGTH, RESERVED_ALIAS_PREFIX), value);
  }
}

/** S3 general purpose bucket naming rules, each with its own message. */
export function checkBucketName(construct: string, prop: string, value: string): void {
  if (isToken(value)) return;
  const broken = bucketNameProblem(value);
  if (broken) fail(construct, prop, ALLOWED.bucketName(broken), value);
}

function bucketNameProblem(name: string): string | undefined {
  if (typeof name !== "string") return BUCKET_NAME_RULES[0].rule;
  return BUCKET_NAME_RULES.find((r) => r.pattern.test(name) !== r.valid)?.rule;
}

/** `bucketName` or `bucketPrefix` (Terraform adds a unique suffix to the prefix). */
export function checkBucketNaming(construct: string, props: { readonly bucketName?: string; readonly bucketPrefix?: string }): void {
  if (props.bucketName !== undefined && props.bucketPrefix !== undefined) {
    fail(construct, "bucketPrefix", ALLOWED.unsetWhenBucketName, props.bucketPrefix);
  }
  if (props.bucketName !== undefined) checkBucketName(construct, "bucketName", props.bucketName);
  if (props.bucketPrefix !== undefined && !isToken(props.bucketPrefix) && !BUCKET_PREFIX_PATTERN.test(props.bucketPrefix)) {
    fail(construct, "bucketPrefix", ALLOWED.bucketPrefix(BUCKET_PREFIX_MAX_LENGTH), props.bucketPrefix);
  }
}

/** A piece of a bucket name (a suffix): lowercase letters, digits and hyphens, starting and ending alphanumeric. */
export function checkBucketNamePart(construct: string, prop: string, value: string, maxLength: number): void {
  if (isToken(value)) return;
  if (typeof value !== "string" || !BUCKET_NAME_PART_PATTERN.test(value) || value.length > maxLength) {
    fail(construct, prop, ALLOWED.bucketNamePart(maxLength), value);
  }
}

/** An S3 key prefix for OutputConfig: relative (no leading '/'), no whitespace or '//' , at most 1024 characters. */
export function checkS3Prefix(construct: string, prop: string, value: string): void {
  if (isToken(value)) return;
  if (typeof value !== "string" || !S3_PREFIX_PATTERN.test(value) || value.length > S3_PREFIX_MAX_LENGTH) {
    fail(construct, prop, ALLOWED.s3Prefix(S3_PREFIX_MAX_LENGTH), value);
  }
}

export function checkTags(construct: string, prop: string, tags: Record<string, string>): void {
  if (isToken(tags)) return;
  for (const [key, value] of Object.entries(tags)) {
    if (key.length === 0 || key.length > TAG_KEY_MAX_LENGTH || key.startsWith(RESERVED_TAG_PREFIX)) {
      fail(construct, `${prop} key`, ALLOWED.tagKey(TAG_KEY_MAX_LENGTH, RESERVED_TAG_PREFIX), key);
    }
    if (!isToken(value) && (typeof value !== "string" || value.length > TAG_VALUE_MAX_LENGTH)) {
      fail(construct, `${prop}.${key}`, ALLOWED.tagValue(TAG_VALUE_MAX_LENGTH), value);
    }
  }
}
