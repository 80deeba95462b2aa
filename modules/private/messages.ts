/**
 * The words of every validation message: what a prop must be. The TypeScript checks
 * (modules/validation.ts and the constructs) and the Terraform module's `validation` blocks
 * (tools/terraform-module) both read them here, so a rule has one wording wherever it is
 * checked. Limits and names come in as arguments: the TypeScript checks pass prop names
 * (`replicaOf`), the module its variable paths (`key.replica_of`).
 */

export interface Range {
  readonly min: number;
  readonly max: number;
}

export const ALLOWED = {
  wholeNumber: (range: Range): string => `a whole number from ${range.min} to ${range.max}`,
  word: "a non-empty string without whitespace",
  oneOf: (values: readonly string[]): string => `one of ${values.map((v) => `"${v}"`).join(", ")}`,
  region: 'an AWS region name like "us-east-1"',
  accountId: "a 12-digit AWS account ID",
  principalArn: "an IAM principal ARN (arn:<partition>:iam::<12-digit account>:root|user/<name>|role/<name>, or an sts assumed-role ARN)",
  kmsKeyArn: "a KMS key ARN (arn:<aws|aws-cn|aws-us-gov>:kms:<region>:<12-digit account>:key/<key id>; alias ARNs are not accepted)",
  keyInPartition: (partition: string): string => `a key in partition "${partition}" (the partition prop)`,
  keyInRegion: (region: string): string => `a key in region "${region}" (S3 encrypts only with keys of the bucket's region)`,
  alias: (maxLength: number, reservedPrefix: string): string =>
    `"alias/<name>" with letters, digits, '/', '_' or '-' only, at most ${maxLength} characters, not under "${reservedPrefix}"`,
  atMostCharacters: (maxLength: number): string => `at most ${maxLength} characters`,
  bucketName: (brokenRule: string): string => `a valid S3 bucket name (${brokenRule})`,
  unsetWhenBucketName: "unset when bucketName is set (they conflict)",
  bucketPrefix: (maxLength: number): string => `1-${maxLength} lowercase letters, digits, '.' or '-', starting with a letter or digit`,
  bucketNamePart: (maxLength: number): string => `1-${maxLength} lowercase letters, digits or hyphens, starting and ending with a letter or digit`,
  s3Prefix: (maxLength: number): string =>
    `a non-empty S3 key prefix of at most ${maxLength} characters, not starting with '/', without '//' or whitespace`,
  tagKey: (maxLength: number, reservedPrefix: string): string => `1-${maxLength} characters, not starting with "${reservedPrefix}"`,
  tagValue: (maxLength: number): string => `a string of at most ${maxLength} characters`,
  usedAlone: (conflicting: string): string => `used alone: it conflicts with ${conflicting}, which configure a new key`,
  multiRegionPrimary: 'a LookoutVisionKey created with multiRegion: true, or an imported multi-region key (key ID "mrk-...")',
  multiRegionPrimaryArn: 'the ARN of a multi-region primary key (key ID "mrk-...")',
  unsetWithReplica: (replicaOf: string): string => `unset with ${replicaOf} (the primary key owns it)`,
  administratorsWithoutRoot: (allowAccountRootAccess: string): string =>
    `at least one principal when ${allowAccountRootAccess} is false (else the key cannot be managed)`,
  literalPrincipalList: "used only when the principal list is literal, not a Terraform list",
  encryptionKey: "a LookoutVisionKey or a KMS key ARN (every bucket is SSE-KMS)",
  tlsEnforced: "true unless acknowledgeInsecureTransport is also true (plain HTTP would be allowed)",
  publicAccessBlocked: "true unless acknowledgePublicAccess is also true (the bucket could be made public)",
  unsetWithDestination: "unset with accessLogs.destination (it configures a new log bucket)",
  literalBucketNameForImport: "used with a literal bucketName (the import block needs the name)",
  callerSid: (ourSids: readonly string[]): string => `alphanumeric and none of ${ourSids.join(", ")}`,
  statementJson: "JSON text of one IAM policy statement",
  statementJsonObject: "JSON text of one IAM policy statement (an object)",
  outputBucketId: "1-32 lowercase letters, digits or hyphens, starting and ending with a letter or digit",
  uniqueAmong: (list: string): string => `unique among ${list}`,
  keyUsersForUserPolicy: (userPolicy: string): string =>
    `at least one principal ARN when ${userPolicy} is not false (the user policy is for the key users)`,
  iamName: "1-64 letters, digits or +=,.@_-",
  roleName: "an IAM role name (not an ARN): 1-64 letters, digits or +=,.@_-",
  outputNamePrefix: "empty or lowercase letters, digits and '_' starting with a letter",
} as const;

/** How a message shows the value it refuses: numbers as written, anything else as JSON (which Terraform's `jsonencode` matches). */
export function show(value: unknown): string {
  if (typeof value === "number") return String(value);
  return JSON.stringify(value);
}

/** `<subject> must be <allowed>, got <shown>`: every validation message, in TypeScript and in the module. */
export function mustBe(subject: string, allowed: string, shown: string): string {
  return `${subject} must be ${allowed}, got ${shown}`;
}
