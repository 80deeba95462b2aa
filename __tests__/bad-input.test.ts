import { readFileSync } from "fs";
import { join } from "path";
import { Construct } from "constructs";
import { AccessLogBucket, AccessLogBucketProps } from "../modules/access-log-bucket";
import { ConsoleBucket, ConsoleBucketProps } from "../modules/console-bucket";
import { EncryptedBucket, EncryptedBucketProps } from "../modules/encrypted-bucket";
import { LookoutVisionEncryption, LookoutVisionEncryptionProps } from "../modules/lookout-vision-encryption";
import { LookoutVisionKey, LookoutVisionKeyProps } from "../modules/lookout-vision-key";
import { OutputBucket, OutputBucketProps } from "../modules/output-bucket";
import { synth } from "./helpers";

/**
 * Every bad input the public constructs refuse, in one table. Each row says what the user
 * wrote and the message they get: `<construct>: <prop> must be <allowed>, got <value>`.
 */

const ENV = { region: "us-east-1", accountId: "111111111111", partition: "aws" };
const KEY_ARN = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const USER = "arn:aws:iam::111111111111:role/Trainer";

type Build = (scope: Construct) => void;

const key =
  (props: LookoutVisionKeyProps): Build =>
  (scope) => {
    new LookoutVisionKey(scope, "Key", { ...ENV, ...props });
  };
const imported =
  (keyArn: string): Build =>
  (scope) => {
    LookoutVisionKey.fromKeyArn(scope, "Key", keyArn, ENV);
  };
const bucket =
  (props: Partial<EncryptedBucketProps>): Build =>
  (scope) => {
    new EncryptedBucket(scope, "Data", { ...ENV, encryptionKey: KEY_ARN, bucketName: "vision-data-bucket", ...props });
  };
const consoleBucket =
  (props: Partial<ConsoleBucketProps>): Build =>
  (scope) => {
    new ConsoleBucket(scope, "Console", { ...ENV, encryptionKey: KEY_ARN, ...props });
  };
const outputBucket =
  (props: Partial<OutputBucketProps>): Build =>
  (scope) => {
    new OutputBucket(scope, "Output", { ...ENV, encryptionKey: KEY_ARN, bucketName: "vision-training-output", ...props });
  };
const logBucket =
  (props: AccessLogBucketProps): Build =>
  (scope) => {
    new AccessLogBucket(scope, "Logs", { ...ENV, ...props });
  };
const bucketLoggingInto =
  (accessLogs: (logs: AccessLogBucket) => EncryptedBucketProps["accessLogs"]): Build =>
  (scope) => {
    const logs = new AccessLogBucket(scope, "Logs", ENV);
    new EncryptedBucket(scope, "Data", { ...ENV, encryptionKey: KEY_ARN, accessLogs: accessLogs(logs) });
  };
const encryption =
  (props: LookoutVisionEncryptionProps): Build =>
  (scope) => {
    new LookoutVisionEncryption(scope, "Encryption", { ...ENV, keyUserArns: [USER], ...props });
  };

const PRINCIPAL = "an IAM principal ARN";
const KEY = "a KMS key ARN (arn:<aws|aws-cn|aws-us-gov>:kms:<region>:<12-digit account>:key/<key id>; alias ARNs are not accepted)";
const BUCKET_NAME = "a valid S3 bucket name";
const S3_PREFIX = "a non-empty S3 key prefix of at most 1024 characters, not starting with '/', without '//' or whitespace";
const SUFFIX = "1-39 lowercase letters, digits or hyphens, starting and ending with a letter or digit";
const OUR_SIDS = "alphanumeric and none of DenyInsecureTransport, DenyOutdatedTls, DenyNonKmsEncryptionHeader, DenyOtherKmsKey, DenySseC";

/** [what the user wrote, how, construct named, prop named, what is allowed (part of the message), value as shown] */
type Row = [string, Build, string, string, string, string];

const CATALOGUE: Row[] = [
  // LookoutVisionKey: numbers
  ["rotation period below 90", key({ rotationPeriodInDays: 89 }), "LookoutVisionKey", "rotationPeriodInDays", "a whole number from 90 to 2560", "89"],
  [
    "rotation period above 2560",
    key({ rotationPeriodInDays: 2561 }),
    "LookoutVisionKey",
    "rotationPeriodInDays",
    "a whole number from 90 to 2560",
    "2561",
  ],
  [
    "fractional rotation period",
    key({ rotationPeriodInDays: 100.5 }),
    "LookoutVisionKey",
    "rotationPeriodInDays",
    "a whole number from 90 to 2560",
    "100.5",
  ],
  ["deletion window below 7", key({ deletionWindowInDays: 3 }), "LookoutVisionKey", "deletionWindowInDays", "a whole number from 7 to 30", "3"],
  ["deletion window above 30", key({ deletionWindowInDays: 31 }), "LookoutVisionKey", "deletionWindowInDays", "a whole number from 7 to 30", "31"],
  ["negative deletion window", key({ deletionWindowInDays: -7 }), "LookoutVisionKey", "deletionWindowInDays", "a whole number from 7 to 30", "-7"],
  ["NaN deletion window", key({ deletionWindowInDays: NaN }), "LookoutVisionKey", "deletionWindowInDays", "a whole number from 7 to 30", "NaN"],
  [
    "deletion window as a string (plain JavaScript caller)",
    key({ deletionWindowInDays: "30" as never }),
    "LookoutVisionKey",
    "deletionWindowInDays",
    "a whole number from 7 to 30",
    '"30"',
  ],
  // LookoutVisionKey: principals
  ["empty key user", key({ keyUserArns: [""] }), "LookoutVisionKey", "keyUserArns[0]", PRINCIPAL, '""'],
  ["key user ARN with a leading space", key({ keyUserArns: [` ${USER}`] }), "LookoutVisionKey", "keyUserArns[0]", PRINCIPAL, `" ${USER}"`],
  [
    "administrator ARN with a 3-digit account",
    key({ administratorArns: ["arn:aws:iam::123:role/x"] }),
    "LookoutVisionKey",
    "administratorArns[0]",
    PRINCIPAL,
    '"arn:aws:iam::123:role/x"',
  ],
  [
    "key user ARN of another service (S3)",
    key({ keyUserArns: ["arn:aws:s3:::bucket"] }),
    "LookoutVisionKey",
    "keyUserArns[0]",
    PRINCIPAL,
    '"arn:aws:s3:::bucket"',
  ],
  [
    "key user ARN in an unknown partition",
    key({ keyUserArns: ["arn:aws-mars:iam::111111111111:role/Trainer"] }),
    "LookoutVisionKey",
    "keyUserArns[0]",
    PRINCIPAL,
    '"arn:aws-mars:iam::111111111111:role/Trainer"',
  ],
  [
    "key user added later by name, not ARN",
    (scope) => new LookoutVisionKey(scope, "Key", ENV).addKeyUser("Trainer"),
    "LookoutVisionKey",
    "addKeyUser(principalArn)[0]",
    PRINCIPAL,
    '"Trainer"',
  ],
  [
    "account root statement off without administrators",
    key({ allowAccountRootAccess: false }),
    "LookoutVisionKey",
    "administratorArns",
    "at least one principal when allowAccountRootAccess is false",
    "[]",
  ],
  // LookoutVisionKey: alias and description
  ["alias without the alias/ prefix", key({ alias: "vision" }), "LookoutVisionKey", "alias", '"alias/<name>"', '"vision"'],
  [
    "alias under alias/aws/ (reserved for AWS managed keys)",
    key({ alias: "alias/aws/s3" }),
    "LookoutVisionKey",
    "alias",
    'not under "alias/aws/"',
    '"alias/aws/s3"',
  ],
  ["alias with whitespace", key({ alias: "alias/my key" }), "LookoutVisionKey", "alias", "letters, digits, '/', '_' or '-' only", '"alias/my key"'],
  [
    "alias longer than 256 characters",
    key({ alias: `alias/${"a".repeat(251)}` }),
    "LookoutVisionKey",
    "alias",
    "at most 256 characters",
    `"alias/${"a".repeat(251)}"`,
  ],
  [
    "description longer than 8192 characters",
    key({ description: "a".repeat(8193) }),
    "LookoutVisionKey",
    "description",
    "at most 8192 characters",
    `"${"a".repeat(20)}..."`,
  ],
  // LookoutVisionKey: bring-your-own key and replicas
  [
    "existing key given as an alias ARN",
    imported("arn:aws:kms:us-east-1:111111111111:alias/x"),
    "LookoutVisionKey",
    "fromKeyArn(keyArn)",
    KEY,
    '"arn:aws:kms:us-east-1:111111111111:alias/x"',
  ],
  [
    "existing key ARN of another service (S3)",
    imported("arn:aws:s3:::bucket"),
    "LookoutVisionKey",
    "fromKeyArn(keyArn)",
    KEY,
    '"arn:aws:s3:::bucket"',
  ],
  [
    "existing key ARN with an 11-digit account",
    imported(KEY_ARN.replace("111111111111", "11111111111")),
    "LookoutVisionKey",
    "fromKeyArn(keyArn)",
    KEY,
    JSON.stringify(KEY_ARN.replace("111111111111", "11111111111")),
  ],
  [
    "existing key in another region",
    imported(KEY_ARN.replace("us-east-1", "eu-west-1")),
    "LookoutVisionKey",
    "fromKeyArn(keyArn)",
    'a key in region "us-east-1"',
    JSON.stringify(KEY_ARN.replace("us-east-1", "eu-west-1")),
  ],
  [
    "existing key in another partition",
    imported(KEY_ARN.replace("arn:aws:", "arn:aws-us-gov:")),
    "LookoutVisionKey",
    "fromKeyArn(keyArn)",
    'a key in partition "aws"',
    JSON.stringify(KEY_ARN.replace("arn:aws:", "arn:aws-us-gov:")),
  ],
  [
    "existing key together with new-key props",
    encryption({ key: { existingKeyArn: KEY_ARN, rotationPeriodInDays: 90 } }),
    "LookoutVisionEncryption",
    "key.existingKeyArn",
    "used alone: it conflicts with rotationPeriodInDays",
    JSON.stringify(KEY_ARN),
  ],
  [
    "replica of a single-region key",
    (scope) => new LookoutVisionKey(scope, "Replica", { ...ENV, region: "eu-west-1", replicaOf: new LookoutVisionKey(scope, "Primary", ENV) }),
    "LookoutVisionKey",
    "replicaOf",
    "a LookoutVisionKey created with multiRegion: true",
    '"stack/Primary"',
  ],
  [
    "replica of an imported single-region key",
    (scope) =>
      new LookoutVisionKey(scope, "Replica", { ...ENV, region: "eu-west-1", replicaOf: LookoutVisionKey.fromKeyArn(scope, "Primary", KEY_ARN, ENV) }),
    "LookoutVisionKey",
    "replicaOf",
    'an imported multi-region key (key ID "mrk-...")',
    '"stack/Primary"',
  ],
  [
    "replica with its own rotation period",
    (scope) =>
      new LookoutVisionKey(scope, "Replica", {
        ...ENV,
        rotationPeriodInDays: 90,
        replicaOf: new LookoutVisionKey(scope, "Primary", { ...ENV, multiRegion: true }),
      }),
    "LookoutVisionKey",
    "rotationPeriodInDays",
    "unset with replicaOf (the primary key owns it)",
    "90",
  ],
  // LookoutVisionKey: environment and tags
  ["region without hyphens", key({ region: "useast1" }), "LookoutVisionKey", "region", 'an AWS region name like "us-east-1"', '"useast1"'],
  ["5-digit account ID", key({ accountId: "12345" }), "LookoutVisionKey", "accountId", "a 12-digit AWS account ID", '"12345"'],
  ["unknown partition", key({ partition: "aws-mars" }), "LookoutVisionKey", "partition", 'one of "aws", "aws-cn", "aws-us-gov"', '"aws-mars"'],
  ["tag key under aws:", key({ tags: { "aws:owner": "x" } }), "LookoutVisionKey", "tags key", 'not starting with "aws:"', '"aws:owner"'],

  // EncryptedBucket: the key
  ["no key", bucket({ encryptionKey: undefined }), "EncryptedBucket", "encryptionKey", "a LookoutVisionKey or a KMS key ARN", "undefined"],
  ["empty key ARN", bucket({ encryptionKey: "" }), "EncryptedBucket", "encryptionKey", "a LookoutVisionKey or a KMS key ARN", '""'],
  [
    "key given as an alias ARN",
    bucket({ encryptionKey: "arn:aws:kms:us-east-1:111111111111:alias/x" }),
    "EncryptedBucket",
    "encryptionKey",
    KEY,
    '"arn:aws:kms:us-east-1:111111111111:alias/x"',
  ],
  [
    "key in another region",
    bucket({ encryptionKey: KEY_ARN.replace("us-east-1", "eu-west-1") }),
    "EncryptedBucket",
    "encryptionKey",
    'a key in region "us-east-1"',
    JSON.stringify(KEY_ARN.replace("us-east-1", "eu-west-1")),
  ],
  [
    "key in another partition",
    bucket({ encryptionKey: KEY_ARN.replace("arn:aws:", "arn:aws-cn:") }),
    "EncryptedBucket",
    "encryptionKey",
    'a key in partition "aws"',
    JSON.stringify(KEY_ARN.replace("arn:aws:", "arn:aws-cn:")),
  ],
  // EncryptedBucket: every S3 bucket naming rule
  ["bucket name of 2 characters", bucket({ bucketName: "ab" }), "EncryptedBucket", "bucketName", `${BUCKET_NAME} (3-63 characters)`, '"ab"'],
  [
    "bucket name of 64 characters",
    bucket({ bucketName: "a".repeat(64) }),
    "EncryptedBucket",
    "bucketName",
    `${BUCKET_NAME} (3-63 characters)`,
    `"${"a".repeat(64)}"`,
  ],
  [
    "uppercase bucket name",
    bucket({ bucketName: "Vision-Data" }),
    "EncryptedBucket",
    "bucketName",
    "only lowercase letters, digits, '.' and '-'",
    '"Vision-Data"',
  ],
  [
    "bucket name with a space",
    bucket({ bucketName: "vision data" }),
    "EncryptedBucket",
    "bucketName",
    "only lowercase letters, digits, '.' and '-'",
    '"vision data"',
  ],
  [
    "bucket name ending with a hyphen",
    bucket({ bucketName: "vision-" }),
    "EncryptedBucket",
    "bucketName",
    "must start and end with a letter or digit",
    '"vision-"',
  ],
  [
    "bucket name with two adjacent periods",
    bucket({ bucketName: "vision..data" }),
    "EncryptedBucket",
    "bucketName",
    "no two adjacent periods",
    '"vision..data"',
  ],
  [
    "IP-shaped bucket name",
    bucket({ bucketName: "192.168.5.4" }),
    "EncryptedBucket",
    "bucketName",
    "must not be formatted as an IP address",
    '"192.168.5.4"',
  ],
  [
    "bucket name starting with xn--",
    bucket({ bucketName: "xn--vision" }),
    "EncryptedBucket",
    "bucketName",
    'must not start with "xn--"',
    '"xn--vision"',
  ],
  ["bucket name starting with sthree-", bucket({ bucketName: "sthree-vision" }), "EncryptedBucket", "bucketName", '"sthree-"', '"sthree-vision"'],
  [
    "bucket name starting with amzn-s3-demo-",
    bucket({ bucketName: "amzn-s3-demo-vision" }),
    "EncryptedBucket",
    "bucketName",
    '"amzn-s3-demo-"',
    '"amzn-s3-demo-vision"',
  ],
  [
    "bucket name ending with -s3alias",
    bucket({ bucketName: "vision-s3alias" }),
    "EncryptedBucket",
    "bucketName",
    'must not end with "-s3alias"',
    '"vision-s3alias"',
  ],
  ["bucket name ending with --ol-s3", bucket({ bucketName: "vision--ol-s3" }), "EncryptedBucket", "bucketName", '"--ol-s3"', '"vision--ol-s3"'],
  ["bucket name ending with .mrap", bucket({ bucketName: "vision.mrap" }), "EncryptedBucket", "bucketName", '".mrap"', '"vision.mrap"'],
  ["bucket name ending with --x-s3", bucket({ bucketName: "vision--x-s3" }), "EncryptedBucket", "bucketName", '"--x-s3"', '"vision--x-s3"'],
  [
    "bucket name and prefix together",
    bucket({ bucketPrefix: "vision-" }),
    "EncryptedBucket",
    "bucketPrefix",
    "unset when bucketName is set",
    '"vision-"',
  ],
  [
    "uppercase bucket prefix",
    bucket({ bucketName: undefined, bucketPrefix: "Vision-" }),
    "EncryptedBucket",
    "bucketPrefix",
    "1-37 lowercase letters, digits, '.' or '-'",
    '"Vision-"',
  ],
  [
    "default log bucket name too long",
    bucket({ bucketName: "a".repeat(60), accessLogs: true }),
    "EncryptedBucket",
    'accessLogs.bucketName (default: bucketName + "-logs")',
    `${BUCKET_NAME} (3-63 characters)`,
    `"${"a".repeat(60)}-logs"`,
  ],
  [
    "import without a bucket name",
    bucket({ bucketName: undefined, importExisting: true }),
    "EncryptedBucket",
    "importExisting",
    "used with a literal bucketName",
    "undefined",
  ],
  // EncryptedBucket: numbers
  [
    "multipart abort after 0 days",
    bucket({ abortIncompleteMultipartUploadDays: 0 }),
    "EncryptedBucket",
    "abortIncompleteMultipartUploadDays",
    "a whole number from 1 to 365",
    "0",
  ],
  [
    "multipart abort after 1.5 days",
    bucket({ abortIncompleteMultipartUploadDays: 1.5 }),
    "EncryptedBucket",
    "abortIncompleteMultipartUploadDays",
    "a whole number from 1 to 365",
    "1.5",
  ],
  [
    "multipart abort after Infinity days",
    bucket({ abortIncompleteMultipartUploadDays: Infinity }),
    "EncryptedBucket",
    "abortIncompleteMultipartUploadDays",
    "a whole number from 1 to 365",
    "Infinity",
  ],
  [
    "log expiry after 0 days",
    bucket({ accessLogs: { expireAfterDays: 0 } }),
    "EncryptedBucket",
    "accessLogs.expireAfterDays",
    "a whole number from 1 to 3650",
    "0",
  ],
  [
    "log target prefix starting with /",
    bucket({ accessLogs: { targetPrefix: "/logs/" } }),
    "EncryptedBucket",
    "accessLogs.targetPrefix",
    S3_PREFIX,
    '"/logs/"',
  ],
  // EncryptedBucket: opting out of protections
  ["minimum TLS 1.1", bucket({ minimumTlsVersion: "1.1" as never }), "EncryptedBucket", "minimumTlsVersion", 'one of "1.2", "1.3"', '"1.1"'],
  [
    "TLS enforcement off without acknowledgeInsecureTransport",
    bucket({ enforceTls: false }),
    "EncryptedBucket",
    "enforceTls",
    "true unless acknowledgeInsecureTransport is also true",
    "false",
  ],
  [
    "public access block off without acknowledgePublicAccess",
    bucket({ blockPublicAccess: false }),
    "EncryptedBucket",
    "blockPublicAccess",
    "true unless acknowledgePublicAccess is also true",
    "false",
  ],
  // EncryptedBucket: the caller's policy statements
  [
    "caller statement reusing one of our Sids",
    bucket({ additionalPolicyStatements: [{ Sid: "DenySseC", Effect: "Allow", Action: ["s3:*"], Resource: "*" }] }),
    "EncryptedBucket",
    "additionalPolicyStatements[0].Sid",
    OUR_SIDS,
    '"DenySseC"',
  ],
  [
    "caller statement with a non-alphanumeric Sid",
    bucket({ additionalPolicyStatements: [{ Sid: "allow-all", Effect: "Allow", Action: ["s3:*"], Resource: "*" }] }),
    "EncryptedBucket",
    "additionalPolicyStatements[0].Sid",
    OUR_SIDS,
    '"allow-all"',
  ],
  [
    "statement added later reusing one of our Sids",
    (scope) =>
      new EncryptedBucket(scope, "Data", { ...ENV, encryptionKey: KEY_ARN }).addToResourcePolicy({
        Sid: "DenyOtherKmsKey",
        Effect: "Allow",
        Action: ["s3:*"],
        Resource: "*",
      }),
    "EncryptedBucket",
    "addToResourcePolicy(statement).Sid",
    OUR_SIDS,
    '"DenyOtherKmsKey"',
  ],

  // ConsoleBucket
  ["uppercase console bucket suffix", consoleBucket({ suffix: "Team" }), "ConsoleBucket", "suffix", SUFFIX, '"Team"'],
  ["console bucket suffix with a period", consoleBucket({ suffix: "a.b" }), "ConsoleBucket", "suffix", SUFFIX, '"a.b"'],
  ["empty console bucket suffix", consoleBucket({ suffix: "" }), "ConsoleBucket", "suffix", SUFFIX, '""'],
  [
    "console bucket suffix too long for a 63-character name",
    consoleBucket({ suffix: "a".repeat(40) }),
    "ConsoleBucket",
    "suffix",
    SUFFIX,
    `"${"a".repeat(40)}"`,
  ],
  [
    "console bucket suffix making the name end with -s3alias",
    consoleBucket({ suffix: "x-s3alias" }),
    "ConsoleBucket",
    "bucket name (<prefix><region>-<suffix>)",
    'must not end with "-s3alias"',
    '"lookoutvision-us-east-1-x-s3alias"',
  ],
  [
    "console bucket without a key",
    consoleBucket({ encryptionKey: undefined }),
    "ConsoleBucket",
    "encryptionKey",
    "a LookoutVisionKey or a KMS key ARN",
    "undefined",
  ],

  // OutputBucket
  ["output prefix starting with /", outputBucket({ prefix: "/output/" }), "OutputBucket", "prefix", S3_PREFIX, '"/output/"'],
  ["empty output prefix", outputBucket({ prefix: "" }), "OutputBucket", "prefix", S3_PREFIX, '""'],
  ["output prefix with whitespace", outputBucket({ prefix: "my output/" }), "OutputBucket", "prefix", S3_PREFIX, '"my output/"'],
  ["output prefix with //", outputBucket({ prefix: "a//b/" }), "OutputBucket", "prefix", S3_PREFIX, '"a//b/"'],
  ["output prefix of 1025 characters", outputBucket({ prefix: "a".repeat(1025) }), "OutputBucket", "prefix", S3_PREFIX, `"${"a".repeat(1025)}"`],
  [
    "output bucket name with an underscore",
    outputBucket({ bucketName: "Output_Bucket" }),
    "OutputBucket",
    "bucketName",
    BUCKET_NAME,
    '"Output_Bucket"',
  ],
  [
    "output bucket multipart abort after 366 days",
    outputBucket({ abortIncompleteMultipartUploadDays: 366 }),
    "OutputBucket",
    "abortIncompleteMultipartUploadDays",
    "a whole number from 1 to 365",
    "366",
  ],

  // LookoutVisionEncryption
  [
    "duplicate output bucket IDs",
    encryption({ outputBuckets: [{ id: "a" }, { id: "a" }] }),
    "LookoutVisionEncryption",
    "outputBuckets[1].id",
    "unique among outputBuckets",
    '"a"',
  ],
  [
    "duplicate output bucket names",
    encryption({
      outputBuckets: [
        { id: "a", bucketName: "same-name" },
        { id: "b", bucketName: "same-name" },
      ],
    }),
    "LookoutVisionEncryption",
    "outputBuckets[1].bucketName",
    "unique among outputBuckets",
    '"same-name"',
  ],
  [
    "uppercase output bucket ID",
    encryption({ outputBuckets: [{ id: "Models" }] }),
    "LookoutVisionEncryption",
    "outputBuckets[0].id",
    "1-32 lowercase letters, digits or hyphens",
    '"Models"',
  ],
  [
    "role ARN where a role name is expected",
    encryption({ userPolicy: { attachToRoleNames: [USER] } }),
    "LookoutVisionEncryption",
    "userPolicy.attachToRoleNames[0]",
    "an IAM role name (not an ARN)",
    JSON.stringify(USER),
  ],
  [
    "role name with whitespace",
    encryption({ userPolicy: { attachToRoleNames: ["my role"] } }),
    "LookoutVisionEncryption",
    "userPolicy.attachToRoleNames[0]",
    "a non-empty string without whitespace",
    '"my role"',
  ],
  [
    "user policy name prefix with a slash",
    encryption({ userPolicy: { namePrefix: "team/vision" } }),
    "LookoutVisionEncryption",
    "userPolicy.namePrefix",
    "1-64 letters, digits or +=,.@_-",
    '"team/vision"',
  ],
  ["key user given as a role name", encryption({ keyUserArns: ["Trainer"] }), "LookoutVisionEncryption", "keyUserArns[0]", PRINCIPAL, '"Trainer"'],
  [
    "zero key users while asking for a user policy",
    encryption({ keyUserArns: [], userPolicy: { attachToRoleNames: ["Trainer"] } }),
    "LookoutVisionEncryption",
    "keyUserArns",
    "at least one principal ARN when userPolicy is not false",
    "[]",
  ],
  // AccessLogBucket, and sharing one
  ["log bucket expiry of zero days", logBucket({ expireAfterDays: 0 }), "AccessLogBucket", "expireAfterDays", "a whole number from 1 to 3650", "0"],
  ["log bucket name with an underscore", logBucket({ bucketName: "access_logs" }), "AccessLogBucket", "bucketName", BUCKET_NAME, '"access_logs"'],
  [
    "log bucket name and prefix together",
    logBucket({ bucketName: "access-logs", bucketPrefix: "logs-" }),
    "AccessLogBucket",
    "bucketPrefix",
    "unset when bucketName is set",
    '"logs-"',
  ],
  [
    "log bucket TLS 1.0 minimum",
    logBucket({ minimumTlsVersion: "1.0" as never }),
    "AccessLogBucket",
    "minimumTlsVersion",
    'one of "1.2", "1.3"',
    '"1.0"',
  ],
  [
    "new-log-bucket name next to a shared destination",
    bucketLoggingInto((destination) => ({ destination, bucketName: "my-logs" })),
    "EncryptedBucket",
    "accessLogs.bucketName",
    "unset with accessLogs.destination",
    '"my-logs"',
  ],
  [
    "output name prefix with uppercase and a hyphen",
    encryption({ outputNamePrefix: "A-" }),
    "LookoutVisionEncryption",
    "outputNamePrefix",
    "empty or lowercase letters, digits and '_' starting with a letter",
    '"A-"',
  ],
  [
    "bring-your-own key in another region than the set-up",
    encryption({ key: { existingKeyArn: KEY_ARN.replace("us-east-1", "eu-west-1") } }),
    "LookoutVisionEncryption",
    "key.existingKeyArn",
    'a key in region "us-east-1"',
    JSON.stringify(KEY_ARN.replace("us-east-1", "eu-west-1")),
  ],
];

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The whole message, start to end: construct and prop first, what is allowed, then the value. */
function expectedMessage(construct: string, prop: string, allowed: string, got: string): RegExp {
  return new RegExp(`^${escape(construct)}: ${escape(prop)} must be .*${escape(allowed)}.*, got ${escape(got)}$`, "s");
}

describe("bad input catalogue", () => {
  it.each(CATALOGUE)("refuses %s", (_input, build, construct, prop, allowed, got) => {
    expect(() => synth(build)).toThrow(expectedMessage(construct, prop, allowed, got));
  });

  it("has at least 30 distinct inputs and covers every public construct", () => {
    expect(new Set(CATALOGUE.map(([input]) => input)).size).toBe(CATALOGUE.length);
    expect(CATALOGUE.length).toBeGreaterThanOrEqual(30);
    expect(new Set(CATALOGUE.map(([, , construct]) => construct))).toEqual(
      new Set(["LookoutVisionKey", "EncryptedBucket", "ConsoleBucket", "OutputBucket", "AccessLogBucket", "LookoutVisionEncryption"]),
    );
  });

  it("lists every refused prop in the README's Validation section", () => {
    const readme = readFileSync(join(__dirname, "../README.md"), "utf8");
    const doc = readme.slice(readme.indexOf("## Validation"), readme.indexOf("## Tearing down"));
    // "keyUserArns[0]" is documented as "keyUserArns[i]", "addKeyUser(principalArn)[0]" as "addKeyUser...".
    const documented = (prop: string) => doc.includes("`" + (/^[\w.[\]]+/.exec(prop.replace(/\[\d+\]/g, "[i]")) ?? [""])[0]);
    expect(CATALOGUE.map(([, , , prop]) => prop).filter((prop) => !documented(prop))).toEqual([]);
  });

  it("accepts the valid baseline each row starts from, so every refusal comes from the row's input", () => {
    for (const build of [
      key({}),
      bucket({}),
      consoleBucket({}),
      outputBucket({}),
      logBucket({}),
      bucketLoggingInto((destination) => ({ destination })),
      encryption({}),
    ]) {
      expect(() => synth(build)).not.toThrow();
    }
  });
});
