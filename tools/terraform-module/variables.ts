import { Construct } from "constructs";
import { ConsoleBucket } from "../../modules/console-bucket";
import { LookoutVisionEncryption, LookoutVisionEncryptionProps } from "../../modules/lookout-vision-encryption";
import { LookoutVisionKey, LookoutVisionKeyProps } from "../../modules/lookout-vision-key";
import { DEFAULTS, NAMES } from "../../modules/private/defaults";
import { ALLOWED } from "../../modules/private/messages";
import { LOOKOUT_FOR_VISION, REKOGNITION_CUSTOM_LABELS } from "../../modules/service-profile";
import {
  ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS,
  ACCOUNT_PATTERN,
  ALIAS_MAX_LENGTH,
  ALIAS_PATTERN,
  BUCKET_NAME_PART_PATTERN,
  BUCKET_NAME_RULES,
  DELETION_WINDOW_DAYS,
  DESCRIPTION_MAX_LENGTH,
  IAM_NAME_PATTERN,
  KMS_KEY_ARN_PATTERN,
  LOG_EXPIRATION_DAYS,
  MINIMUM_TLS_VERSIONS,
  OUTPUT_BUCKET_ID_PATTERN,
  PRINCIPAL_ARN_PATTERN,
  REGION_PATTERN,
  RESERVED_ALIAS_PREFIX,
  RESERVED_TAG_PREFIX,
  ROTATION_PERIOD_DAYS,
  S3_PREFIX_MAX_LENGTH,
  S3_PREFIX_PATTERN,
  TAG_KEY_MAX_LENGTH,
  TAG_VALUE_MAX_LENGTH,
} from "../../modules/validation";
import { Expression, HclValue, callWithObject, expr, hclString, renderExpression } from "./hcl-expression";
import { Rule, eachRule, interpolate, matches, messageTemplate, nullOr, valueRule, wholeNumberIn } from "./validation-rules";

/**
 * The module's inputs: the reach of LookoutVisionEncryption as Terraform variables, grouped by
 * topic, each typed (objects with `optional()` attributes and the constructs' defaults),
 * described, and validated with the rules and words of the TypeScript checks (validation-rules.ts).
 */

export interface VariableSpec {
  readonly name: string;
  readonly description: string;
  readonly type: HclValue;
  /** Absent: the variable is required. */
  readonly default?: HclValue;
  /** `nullable = false`: an explicit null takes the default, so conditions never see null. */
  readonly nullable?: false;
  readonly rules: readonly Rule[];
}

/** An attribute of an object variable: `optional(<type>, <default>)`. */
interface Attribute {
  readonly name: string;
  readonly type: string;
  /** Absent: optional with a null default. */
  readonly default?: HclValue;
}

/** Principals and ARNs the examples and test inputs use. */
export const EXAMPLE_ACCOUNT = "111111111111";
export const EXAMPLE_USER = `arn:aws:iam::${EXAMPLE_ACCOUNT}:role/LookoutVisionTrainer`;
export const EXAMPLE_ADMIN = `arn:aws:iam::${EXAMPLE_ACCOUNT}:role/KeyAdmin`;
export const EXAMPLE_KEY_ARN = `arn:aws:kms:us-east-1:${EXAMPLE_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
export const EXAMPLE_MRK_ARN = `arn:aws:kms:us-east-1:${EXAMPLE_ACCOUNT}:key/mrk-1234abcd12ab34cd56ef1234567890ab`;
/** Where the TypeScript checks run: literal environment, so only the prop under test can fail. */
const ENV = { region: "us-east-1", accountId: EXAMPLE_ACCOUNT, partition: "aws" };

/** Service profiles by `service_profile` value: the profile's slug. */
export const PROFILES = [LOOKOUT_FOR_VISION, REKOGNITION_CUSTOM_LABELS];
const PROFILE_NAMES = PROFILES.map((p) => p.slug);

function key(scope: Construct, props: LookoutVisionKeyProps): void {
  new LookoutVisionKey(scope, "Key", { ...ENV, ...props });
}

function encryption(scope: Construct, props: LookoutVisionEncryptionProps): void {
  new LookoutVisionEncryption(scope, "Encryption", { ...ENV, keyUserArns: [EXAMPLE_USER], ...props });
}

/** The object of the attributes' defaults, written out. */
function defaultsOf(attributes: readonly Attribute[]): HclValue {
  return Object.fromEntries(attributes.filter((a) => a.default !== undefined).map((a) => [a.name, a.default!]));
}

function objectType(attributes: readonly Attribute[]): Expression {
  const fields = Object.fromEntries(
    attributes.map((a) => [a.name, expr(`optional(${a.type}${a.default !== undefined ? `, ${renderExpression(a.default)}` : ""})`)]),
  );
  return callWithObject(["object"], fields);
}

function principalRule(
  id: string,
  list: string,
  path: string,
  typescript: (scope: Construct, arns: string[]) => void,
  bad: (arns: string[]) => Record<string, HclValue>,
): Rule {
  const arns = [EXAMPLE_USER, `arn:aws:iam::${EXAMPLE_ACCOUNT}:group/Trainers`];
  return eachRule({
    id,
    over: `for i, arn in ${list}`,
    path: `${path}[${interpolate("i")}]`,
    item: "arn",
    condition: (arn) => matches(PRINCIPAL_ARN_PATTERN, arn),
    allowed: ALLOWED.principalArn,
    bad: bad(arns),
    expected: [{ path: `${path}[1]`, shown: arns[1] }],
    typescript: (scope) => typescript(scope, arns),
  });
}

// ---------------------------------------------------------------------------------------------
// The service profile

function profileVariables(): VariableSpec[] {
  return [
    {
      name: "service_profile",
      description: `The service the set-up is for: "${LOOKOUT_FOR_VISION.slug}" (${LOOKOUT_FOR_VISION.displayName}, end of support 2025-10-31) or "${REKOGNITION_CUSTOM_LABELS.slug}" (${REKOGNITION_CUSTOM_LABELS.displayName}). It picks the service endpoint of the key policy conditions, the console bucket name prefix and the user policy's actions.`,
      type: expr("string"),
      default: LOOKOUT_FOR_VISION.slug,
      nullable: false,
      rules: [
        valueRule({
          id: "service_profile",
          path: "service_profile",
          expression: "var.service_profile",
          condition: `contains(${renderExpression(PROFILE_NAMES)}, var.service_profile)`,
          allowed: ALLOWED.oneOf(PROFILE_NAMES),
          bad: { service_profile: "lookout-for-vision" },
          shown: "lookout-for-vision",
        }),
      ],
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Where the resources are

function environmentVariables(): VariableSpec[] {
  return [
    {
      name: "region",
      description: "Region of every resource (AWS provider 6 `region` argument). null: the region of the caller's aws provider.",
      type: expr("string"),
      default: null,
      rules: [
        valueRule({
          id: "region",
          path: "region",
          expression: "var.region",
          condition: nullOr("var.region", matches(REGION_PATTERN, "var.region")),
          allowed: ALLOWED.region,
          bad: { region: "US-EAST-1" },
          shown: "US-EAST-1",
          typescript: (scope) => encryption(scope, { region: "US-EAST-1" }),
        }),
      ],
    },
    {
      name: "account_id",
      description:
        "Account that owns the resources. null: read with the aws_caller_identity data source (one STS call); set it to plan without credentials.",
      type: expr("string"),
      default: null,
      rules: [
        valueRule({
          id: "account_id",
          path: "account_id",
          expression: "var.account_id",
          condition: nullOr("var.account_id", matches(ACCOUNT_PATTERN, "var.account_id")),
          allowed: ALLOWED.accountId,
          bad: { account_id: "11111111111" },
          shown: "11111111111",
          typescript: (scope) => encryption(scope, { accountId: "11111111111" }),
        }),
      ],
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// The key and its users

const KEY_ATTRIBUTES: readonly Attribute[] = [
  { name: "existing_key", type: "object({ arn = string })" },
  { name: "replica_of", type: "object({ primary_key_arn = string })" },
  { name: "alias", type: "string" },
  { name: "description", type: "string" },
  { name: "rotation_period_in_days", type: "number", default: DEFAULTS.rotationPeriodInDays },
  { name: "deletion_window_in_days", type: "number", default: DEFAULTS.deletionWindowInDays },
  { name: "multi_region", type: "bool", default: DEFAULTS.multiRegion },
  { name: "allow_account_root_access", type: "bool", default: DEFAULTS.allowAccountRootAccess },
  { name: "administrator_arns", type: "list(string)", default: [] },
];

/** `var.key.<name>` differs from its default: the attribute configures a new key. */
function isSet(attribute: Attribute): string {
  const value = `var.key.${attribute.name}`;
  if (attribute.default === undefined) return `${value} != null`;
  if (Array.isArray(attribute.default)) return `length(${value}) > 0`;
  if (typeof attribute.default === "boolean") return attribute.default ? `!${value}` : value;
  return `${value} != ${renderExpression(attribute.default)}`;
}

/** `var.key.<name>` is its default. */
function isDefault(attribute: Attribute): string {
  const value = `var.key.${attribute.name}`;
  if (typeof attribute.default === "boolean") return attribute.default ? value : `!${value}`;
  return isSet(attribute).replace(" != ", " == ").replace(" > 0", " == 0");
}

/** Names of the new-key attributes set alongside `existing_key`, as a Terraform list. */
function conflictingAttributes(): string {
  const newKey = KEY_ATTRIBUTES.filter((a) => a.name !== "existing_key");
  return `[for name, set in { ${newKey.map((a) => `${a.name} = ${isSet(a)}`).join(", ")} } : name if set]`;
}

/** The existing key (bring your own): a key ARN, and nothing of a new key beside it. */
function existingKeyRules(): Rule[] {
  const v = (name: string) => `var.key.${name}`;
  const aliasArn = `arn:aws:kms:us-east-1:${EXAMPLE_ACCOUNT}:alias/lookout-vision`;
  return [
    valueRule({
      id: "existing_key_arn",
      path: "key.existing_key.arn",
      expression: `try(${v("existing_key.arn")}, null)`,
      condition: nullOr(v("existing_key"), matches(KMS_KEY_ARN_PATTERN, v("existing_key.arn"))),
      allowed: ALLOWED.kmsKeyArn,
      bad: { key: { existing_key: { arn: aliasArn } } },
      shown: aliasArn,
      typescript: (scope) => encryption(scope, { key: { existingKeyArn: aliasArn } }),
    }),
    valueRule({
      id: "existing_key_alone",
      path: "key.existing_key.arn",
      expression: `try(${v("existing_key.arn")}, null)`,
      condition: `${v("existing_key")} == null || length(${conflictingAttributes()}) == 0`,
      allowed: ALLOWED.usedAlone(interpolate(`join(", ", ${conflictingAttributes()})`)),
      words: ALLOWED.usedAlone("alias"),
      bad: { key: { existing_key: { arn: EXAMPLE_KEY_ARN }, alias: "alias/mine" } },
      shown: EXAMPLE_KEY_ARN,
      typescript: (scope) => encryption(scope, { key: { existingKeyArn: EXAMPLE_KEY_ARN, alias: "alias/mine" } }),
    }),
  ];
}

/** A replica: of a multi-region primary, which owns rotation and multi-region. */
function replicaRules(): Rule[] {
  const v = (name: string) => `var.key.${name}`;
  const aliasArn = `arn:aws:kms:us-east-1:${EXAMPLE_ACCOUNT}:alias/lookout-vision`;
  const primary = (scope: Construct) => new LookoutVisionKey(scope, "Primary", { ...ENV, multiRegion: true });
  return [
    valueRule({
      id: "replica_of",
      path: "key.replica_of.primary_key_arn",
      expression: `try(${v("replica_of.primary_key_arn")}, null)`,
      condition: nullOr(v("replica_of"), matches(KMS_KEY_ARN_PATTERN, v("replica_of.primary_key_arn"))),
      allowed: ALLOWED.kmsKeyArn,
      bad: { key: { replica_of: { primary_key_arn: aliasArn } } },
      shown: aliasArn,
    }),
    valueRule({
      id: "replica_of_primary",
      path: "key.replica_of.primary_key_arn",
      expression: `try(${v("replica_of.primary_key_arn")}, null)`,
      condition: nullOr(v("replica_of"), matches(/:key\/mrk-/, v("replica_of.primary_key_arn"))),
      allowed: ALLOWED.multiRegionPrimaryArn,
      bad: { key: { replica_of: { primary_key_arn: EXAMPLE_KEY_ARN } } },
      shown: EXAMPLE_KEY_ARN,
    }),
    ...(
      [
        ["multi_region", "multiRegion", true],
        ["rotation_period_in_days", "rotationPeriodInDays", 180],
      ] as const
    ).map(([name, prop, value]) =>
      valueRule({
        id: `${name}_with_replica`,
        path: `key.${name}`,
        expression: v(name),
        condition: `${v("replica_of")} == null || ${isDefault(KEY_ATTRIBUTES.find((a) => a.name === name)!)}`,
        allowed: ALLOWED.unsetWithReplica("key.replica_of"),
        bad: { key: { replica_of: { primary_key_arn: EXAMPLE_MRK_ARN }, [name]: value } },
        shown: value,
        typescript: (scope) => key(scope, { replicaOf: primary(scope), [prop]: value }),
        typescriptWords: ALLOWED.unsetWithReplica("replicaOf"),
      }),
    ),
  ];
}

/** A new key's settings: alias, description, rotation, deletion window, administrators. */
function newKeyRules(): Rule[] {
  const v = (name: string) => `var.key.${name}`;
  const longDescription = "0".repeat(DESCRIPTION_MAX_LENGTH + 1);
  return [
    valueRule({
      id: "alias",
      path: "key.alias",
      expression: v("alias"),
      condition: nullOr(
        v("alias"),
        `${matches(ALIAS_PATTERN, v("alias"))} && length(${v("alias")}) <= ${ALIAS_MAX_LENGTH} && !startswith(${v("alias")}, ${hclString(
          RESERVED_ALIAS_PREFIX,
        )})`,
      ),
      allowed: ALLOWED.alias(ALIAS_MAX_LENGTH, RESERVED_ALIAS_PREFIX),
      bad: { key: { alias: "alias/aws/lookout-vision" } },
      shown: "alias/aws/lookout-vision",
      typescript: (scope) => key(scope, { alias: "alias/aws/lookout-vision" }),
    }),
    valueRule({
      id: "description",
      path: "key.description",
      // As the TypeScript check shows it: the first 20 characters.
      expression: `try("${interpolate(`substr(${v("description")}, 0, 20)`)}...", null)`,
      condition: nullOr(v("description"), `length(${v("description")}) <= ${DESCRIPTION_MAX_LENGTH}`),
      allowed: ALLOWED.atMostCharacters(DESCRIPTION_MAX_LENGTH),
      bad: { key: { description: expr(`format("%0${DESCRIPTION_MAX_LENGTH + 1}d", 0)`) } },
      shown: `${longDescription.slice(0, 20)}...`,
      typescript: (scope) => key(scope, { description: longDescription }),
    }),
    ...(
      [
        ["rotation_period_in_days", "rotationPeriodInDays", ROTATION_PERIOD_DAYS, 89],
        ["deletion_window_in_days", "deletionWindowInDays", DELETION_WINDOW_DAYS, 3],
      ] as const
    ).map(([name, prop, range, bad]) =>
      valueRule({
        id: name,
        path: `key.${name}`,
        expression: v(name),
        condition: wholeNumberIn(v(name), range),
        allowed: ALLOWED.wholeNumber(range),
        bad: { key: { [name]: bad } },
        shown: bad,
        typescript: (scope) => key(scope, { [prop]: bad }),
      }),
    ),
    principalRule(
      "administrator_arns",
      v("administrator_arns"),
      "key.administrator_arns",
      (scope, arns) => key(scope, { administratorArns: arns }),
      (arns) => ({ key: { administrator_arns: arns } }),
    ),
    valueRule({
      id: "administrators_without_root_access",
      path: "key.administrator_arns",
      expression: v("administrator_arns"),
      condition: `${v("allow_account_root_access")} || length(${v("administrator_arns")}) > 0`,
      allowed: ALLOWED.administratorsWithoutRoot("key.allow_account_root_access"),
      bad: { key: { allow_account_root_access: false } },
      shown: [],
      typescript: (scope) => key(scope, { allowAccountRootAccess: false }),
      typescriptWords: ALLOWED.administratorsWithoutRoot("allowAccountRootAccess"),
    }),
  ];
}

function keyVariables(): VariableSpec[] {
  return [
    {
      name: "key",
      description:
        "The KMS key. Leave existing_key and replica_of null for a new key (rotation always on); existing_key = { arn }: bring your own key (no key, alias or key policy is created: the key_policy_statements_for_key_owner output says what its owner adds); replica_of = { primary_key_arn }: a replica of that multi-region primary key in this region (rotation is the primary's). administrator_arns manage the key, never use it for data; allow_account_root_access = false needs administrators.",
      type: objectType(KEY_ATTRIBUTES),
      default: {},
      nullable: false,
      rules: [...existingKeyRules(), ...replicaRules(), ...newKeyRules()],
    },
    {
      name: "key_user_arns",
      description:
        "Principals that use the service with the key: the key policy lets them create grants only through the service for AWS resources and use data keys only through S3 and the service; the user policy is theirs. Required unless user_policy.create is false.",
      type: expr("list(string)"),
      nullable: false,
      rules: [
        principalRule(
          "key_user_arns",
          "var.key_user_arns",
          "key_user_arns",
          (scope, arns) => encryption(scope, { keyUserArns: arns }),
          (arns) => ({ key_user_arns: arns }),
        ),
      ],
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// The buckets

const BUCKET_SETTINGS: readonly Attribute[] = [
  { name: "versioning", type: "bool", default: DEFAULTS.versioned },
  { name: "minimum_tls_version", type: "string", default: DEFAULTS.minimumTlsVersion },
  { name: "abort_incomplete_multipart_upload_days", type: "number", default: DEFAULTS.abortIncompleteMultipartUploadDays },
  { name: "force_destroy", type: "bool", default: DEFAULTS.forceDestroy },
];

function outputBucketRules(): Rule[] {
  const over = "for id, bucket in var.output_buckets";
  const at = (attribute: string) => `output_buckets["${interpolate("id")}"].${attribute}`;
  const withBuckets = (outputBuckets: LookoutVisionEncryptionProps["outputBuckets"]) => (scope: Construct) => encryption(scope, { outputBuckets });
  const badNames = ["ab", "models-Bucket", "-models", "models..bucket", "192.168.10.20", "xn--models", "models-s3alias"];
  const duplicate = "example-lookout-vision-models";
  return [
    eachRule({
      id: "key",
      over,
      path: "output_buckets key",
      item: "id",
      condition: (id) => matches(OUTPUT_BUCKET_ID_PATTERN, id),
      allowed: ALLOWED.outputBucketId,
      bad: { output_buckets: { Models: {} } },
      expected: [{ path: "output_buckets key", shown: "Models" }],
      typescript: withBuckets([{ id: "Models" }]),
    }),
    ...BUCKET_NAME_RULES.map((rule, i) => {
      const test = matches(rule.pattern, "bucket.bucket_name");
      return eachRule({
        id: `bucket_name_${i + 1}`,
        over,
        path: at("bucket_name"),
        item: "bucket.bucket_name",
        condition: (name) => `${name} == null || ${rule.valid ? test : `!${test}`}`,
        allowed: ALLOWED.bucketName(rule.rule),
        bad: { output_buckets: { models: { bucket_name: badNames[i] } } },
        expected: [{ path: 'output_buckets["models"].bucket_name', shown: badNames[i] }],
        typescript: withBuckets([{ id: "models", bucketName: badNames[i] }]),
      });
    }),
    eachRule({
      id: "bucket_name_unique",
      over,
      path: at("bucket_name"),
      item: "bucket.bucket_name",
      condition: (name) => `${name} == null || length([for other in values(var.output_buckets) : other if other.bucket_name == ${name}]) == 1`,
      allowed: ALLOWED.uniqueAmong("output_buckets"),
      bad: { output_buckets: { a: { bucket_name: duplicate }, b: { bucket_name: duplicate } } },
      expected: ["a", "b"].map((id) => ({ path: `output_buckets["${id}"].bucket_name`, shown: duplicate })),
      typescript: withBuckets([
        { id: "a", bucketName: duplicate },
        { id: "b", bucketName: duplicate },
      ]),
      typescriptWords: ALLOWED.uniqueAmong("outputBuckets"),
    }),
    eachRule({
      id: "prefix",
      over,
      path: at("prefix"),
      item: "bucket.prefix",
      condition: (prefix) => `try(${matches(S3_PREFIX_PATTERN, prefix)} && length(${prefix}) <= ${S3_PREFIX_MAX_LENGTH}, false)`,
      allowed: ALLOWED.s3Prefix(S3_PREFIX_MAX_LENGTH),
      bad: { output_buckets: { models: { prefix: "/models" } } },
      expected: [{ path: 'output_buckets["models"].prefix', shown: "/models" }],
      typescript: withBuckets([{ id: "models", prefix: "/models" }]),
    }),
  ];
}

function bucketVariables(): VariableSpec[] {
  const bucketSettings = "var.bucket_settings";
  const tlsCheck = (scope: Construct) => encryption(scope, { bucketSettings: { minimumTlsVersion: "1.1" as "1.2" } });
  const abortCheck = (scope: Construct) => encryption(scope, { bucketSettings: { abortIncompleteMultipartUploadDays: 0 } });
  return [
    {
      name: "console_bucket",
      description: `The console bucket ${NAMES.consoleBucketName(
        { consoleBucketPrefix: "<profile prefix>" },
        "<region>",
        "<suffix>",
      )} (${NAMES.consoleBucketName(
        LOOKOUT_FOR_VISION,
        "us-east-1",
        EXAMPLE_ACCOUNT,
      )}): create = false leaves it out (the user policy then covers the output buckets only). To adopt a bucket the console already created, keep create = true and add an import block for aws_s3_bucket.console[0] in your root module (import blocks are not allowed in modules).`,
      type: objectType([
        { name: "create", type: "bool", default: true },
        { name: "suffix", type: "string" },
      ]),
      default: {},
      nullable: false,
      rules: [
        valueRule({
          id: "suffix",
          path: "console_bucket.suffix",
          expression: "var.console_bucket.suffix",
          condition: nullOr(
            "var.console_bucket.suffix",
            `${matches(BUCKET_NAME_PART_PATTERN, "var.console_bucket.suffix")} && length(var.console_bucket.suffix) <= 63`,
          ),
          // The full name's length depends on the region and profile: a postcondition of the bucket checks it.
          allowed: ALLOWED.bucketNamePart(63),
          bad: { console_bucket: { suffix: "Team_A" } },
          shown: "Team_A",
        }),
      ],
    },
    {
      name: "output_buckets",
      description:
        "Buckets for training results (the OutputConfig of CreateModel or CreateProjectVersion), by ID: the ID is the map key (1-32 lowercase letters, digits or hyphens). bucket_name null lets Terraform generate a name; prefix is where results are written.",
      type: callWithObject(["map", "object"], {
        bucket_name: expr("optional(string)"),
        prefix: expr(`optional(string, ${hclString(DEFAULTS.outputPrefix)})`),
      }),
      default: {},
      nullable: false,
      rules: outputBucketRules(),
    },
    {
      name: "bucket_settings",
      description:
        "Settings every data bucket shares (the console and output buckets; the log bucket takes minimum_tls_version and force_destroy too). prevent_destroy is always on: Terraform does not accept a variable in lifecycle.",
      type: objectType(BUCKET_SETTINGS),
      // Written out, not {}: a scanner that does not apply optional() defaults (checkov) then
      // reads versioning "Enabled" where the engine does.
      default: defaultsOf(BUCKET_SETTINGS),
      nullable: false,
      rules: [
        valueRule({
          id: "minimum_tls_version",
          path: "bucket_settings.minimum_tls_version",
          expression: `${bucketSettings}.minimum_tls_version`,
          condition: `contains(${renderExpression([...MINIMUM_TLS_VERSIONS])}, ${bucketSettings}.minimum_tls_version)`,
          allowed: ALLOWED.oneOf(MINIMUM_TLS_VERSIONS),
          bad: { bucket_settings: { minimum_tls_version: "1.1" } },
          shown: "1.1",
          typescript: tlsCheck,
        }),
        valueRule({
          id: "abort_incomplete_multipart_upload_days",
          path: "bucket_settings.abort_incomplete_multipart_upload_days",
          expression: `${bucketSettings}.abort_incomplete_multipart_upload_days`,
          condition: wholeNumberIn(`${bucketSettings}.abort_incomplete_multipart_upload_days`, ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS),
          allowed: ALLOWED.wholeNumber(ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS),
          bad: { bucket_settings: { abort_incomplete_multipart_upload_days: 0 } },
          shown: 0,
          typescript: abortCheck,
        }),
      ],
    },
  ];
}

function accessLogVariables(): VariableSpec[] {
  const accessLogs = "var.access_logs";
  const logPrefixCheck = (scope: Construct) => encryption(scope, { bucketSettings: { accessLogs: { targetPrefix: "/logs" } } });
  const logExpiryCheck = (scope: Construct) => encryption(scope, { bucketSettings: { accessLogs: { expireAfterDays: 0 } } });
  return [
    {
      name: "access_logs",
      description: `Server access logs of every data bucket into one shared SSE-S3 log bucket (S3 cannot deliver access logs to an SSE-KMS bucket), each bucket under <target_prefix>${
        NAMES.consoleLogPrefix
      } or <target_prefix>${NAMES.outputLogPrefix("<id>")}; log objects expire after expire_after_days.`,
      type: objectType([
        { name: "enabled", type: "bool", default: false },
        { name: "target_prefix", type: "string", default: DEFAULTS.targetPrefix },
        { name: "expire_after_days", type: "number", default: DEFAULTS.expireAfterDays },
      ]),
      default: {},
      nullable: false,
      rules: [
        valueRule({
          id: "target_prefix",
          path: "access_logs.target_prefix",
          expression: `${accessLogs}.target_prefix`,
          condition: `${accessLogs}.target_prefix == "" || try(${matches(
            S3_PREFIX_PATTERN,
            `${accessLogs}.target_prefix`,
          )} && length(${accessLogs}.target_prefix) <= ${S3_PREFIX_MAX_LENGTH}, false)`,
          allowed: ALLOWED.s3Prefix(S3_PREFIX_MAX_LENGTH),
          bad: { access_logs: { target_prefix: "/logs" } },
          shown: "/logs",
          typescript: logPrefixCheck,
        }),
        valueRule({
          id: "expire_after_days",
          path: "access_logs.expire_after_days",
          expression: `${accessLogs}.expire_after_days`,
          condition: wholeNumberIn(`${accessLogs}.expire_after_days`, LOG_EXPIRATION_DAYS),
          allowed: ALLOWED.wholeNumber(LOG_EXPIRATION_DAYS),
          bad: { access_logs: { expire_after_days: 0 } },
          shown: 0,
          typescript: logExpiryCheck,
        }),
      ],
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// The user policy and the tags

function userPolicyVariables(): VariableSpec[] {
  const userPolicy = "var.user_policy";
  const namePrefixCheck = (scope: Construct) => encryption(scope, { userPolicy: { namePrefix: "lookout vision" } });
  const roles = ["LookoutVisionTrainer", `arn:aws:iam::${EXAMPLE_ACCOUNT}:role/Trainer`];
  return [
    {
      name: "user_policy",
      description: `The IAM managed policy for the key users: the service's actions, these buckets' objects, the key only through S3 and the service. create = false leaves it out; name_prefix null: "${NAMES.userPolicyNamePrefix(
        { slug: "<profile>" },
      )}"; attach_to_role_names: IAM role names (not ARNs) to attach it to.`,
      type: objectType([
        { name: "create", type: "bool", default: true },
        { name: "name_prefix", type: "string" },
        { name: "attach_to_role_names", type: "list(string)", default: [] },
      ]),
      default: {},
      nullable: false,
      rules: [
        valueRule({
          id: "name_prefix",
          path: "user_policy.name_prefix",
          expression: `${userPolicy}.name_prefix`,
          condition: nullOr(`${userPolicy}.name_prefix`, matches(IAM_NAME_PATTERN, `${userPolicy}.name_prefix`)),
          allowed: ALLOWED.iamName,
          bad: { user_policy: { name_prefix: "lookout vision" } },
          shown: "lookout vision",
          typescript: namePrefixCheck,
        }),
        eachRule({
          id: "attach_to_role_names",
          over: `for i, role in ${userPolicy}.attach_to_role_names`,
          path: `user_policy.attach_to_role_names[${interpolate("i")}]`,
          item: "role",
          condition: (role) => `try(!startswith(${role}, "arn:") && ${matches(IAM_NAME_PATTERN, role)}, false)`,
          allowed: ALLOWED.roleName,
          bad: { user_policy: { attach_to_role_names: roles } },
          expected: [{ path: "user_policy.attach_to_role_names[1]", shown: roles[1] }],
          typescript: (scope) => encryption(scope, { userPolicy: { attachToRoleNames: roles } }),
        }),
      ],
    },
  ];
}

function tagRules(): Rule[] {
  const over = "for key, value in var.tags";
  const longValue = "0".repeat(TAG_VALUE_MAX_LENGTH + 1);
  return [
    eachRule({
      id: "key",
      over,
      path: "tags key",
      item: "key",
      condition: (k) => `length(${k}) >= 1 && length(${k}) <= ${TAG_KEY_MAX_LENGTH} && !startswith(${k}, ${hclString(RESERVED_TAG_PREFIX)})`,
      allowed: ALLOWED.tagKey(TAG_KEY_MAX_LENGTH, RESERVED_TAG_PREFIX),
      bad: { tags: { "aws:project": "lookout-vision" } },
      expected: [{ path: "tags key", shown: "aws:project" }],
      typescript: (scope) => encryption(scope, { tags: { "aws:project": "lookout-vision" } }),
    }),
    eachRule({
      id: "value",
      over,
      path: `tags.${interpolate("key")}`,
      item: "value",
      condition: (value) => `try(length(${value}) <= ${TAG_VALUE_MAX_LENGTH}, false)`,
      allowed: ALLOWED.tagValue(TAG_VALUE_MAX_LENGTH),
      bad: { tags: { project: expr(`format("%0${TAG_VALUE_MAX_LENGTH + 1}d", 0)`) } },
      expected: [{ path: "tags.project", shown: longValue }],
      typescript: (scope) => encryption(scope, { tags: { project: longValue } }),
    }),
  ];
}

function tagVariables(): VariableSpec[] {
  return [
    {
      name: "tags",
      description: "Tags on every taggable resource (key, buckets, user policy).",
      type: expr("map(string)"),
      default: {},
      nullable: false,
      rules: tagRules(),
    },
  ];
}

/** Every variable of the module, in the order variables.tf lists them. */
export function moduleVariables(): VariableSpec[] {
  return [
    ...profileVariables(),
    ...environmentVariables(),
    ...keyVariables(),
    ...bucketVariables(),
    ...accessLogVariables(),
    ...userPolicyVariables(),
    ...tagVariables(),
  ];
}

/** A check that needs more than one variable, or a value read from AWS: a condition on a resource. */
export interface ResourceRule {
  /** `aws_iam_policy.users`. */
  readonly address: string;
  readonly kind: "precondition" | "postcondition";
  readonly rule: Rule;
}

/** The console bucket's whole name (prefix, region, suffix) against S3's rules, once the bucket's name is known. */
function consoleBucketNameRule(): Rule {
  // A suffix that passes its own check but makes a name S3 refuses.
  const suffix = "team-s3alias";
  const consoleName = NAMES.consoleBucketName(LOOKOUT_FOR_VISION, "us-east-1", suffix);
  const brokenRule = BUCKET_NAME_RULES.find((r) => r.pattern.test(consoleName) !== r.valid)!.rule;
  const broken = "[for rule in local.s3_bucket_name_rules : rule.rule if can(regex(rule.pattern, self.bucket)) != rule.valid]";
  const path = "console_bucket name (<prefix><region>-<suffix>)";
  return {
    id: "console_bucket_name",
    condition: `length(${broken}) == 0`,
    message: messageTemplate(path, ALLOWED.bucketName(interpolate(`try(${broken}[0], "")`)), "self.bucket"),
    bad: { console_bucket: { suffix } },
    expectedMessage: `${path} must be ${ALLOWED.bucketName(brokenRule)}, got ${JSON.stringify(consoleName)}.`,
    words: ALLOWED.bucketName(brokenRule),
    typescript: (scope) => new ConsoleBucket(scope, "Console", { ...ENV, encryptionKey: EXAMPLE_KEY_ARN, suffix }),
  };
}

export function resourceRules(): ResourceRule[] {
  const otherRegionKey = EXAMPLE_KEY_ARN.replace("us-east-1", "eu-west-1");
  return [
    {
      address: "aws_iam_policy.users",
      kind: "precondition",
      rule: valueRule({
        id: "key_user_arns_needed",
        path: "key_user_arns",
        expression: "var.key_user_arns",
        condition: "length(var.key_user_arns) > 0",
        allowed: ALLOWED.keyUsersForUserPolicy("user_policy.create"),
        bad: { key_user_arns: [] },
        shown: [],
        typescript: (scope) => encryption(scope, { keyUserArns: [] }),
        typescriptWords: ALLOWED.keyUsersForUserPolicy("userPolicy"),
      }),
    },
    { address: "aws_s3_bucket.console", kind: "postcondition", rule: consoleBucketNameRule() },
    // On the encryption of each data bucket, where S3 uses the key (and not on the region data
    // source: a condition there that reads the key would defer its read when the key is unknown).
    ...["console", "output"].map((bucket) => ({
      address: `aws_s3_bucket_server_side_encryption_configuration.${bucket}`,
      kind: "precondition" as const,
      rule: valueRule({
        id: `existing_key_region_${bucket}`,
        path: "key.existing_key.arn",
        expression: "try(var.key.existing_key.arn, null)",
        condition: 'var.key.existing_key == null || try(split(":", var.key.existing_key.arn)[3], "") == local.region',
        allowed: ALLOWED.keyInRegion(interpolate("local.region")),
        words: ALLOWED.keyInRegion("us-east-1"),
        bad: {
          key: { existing_key: { arn: otherRegionKey } },
          ...(bucket === "output" ? { console_bucket: { create: false }, output_buckets: { models: {} } } : {}),
        },
        shown: otherRegionKey,
        typescript: (scope) => encryption(scope, { key: { existingKeyArn: otherRegionKey } }),
      }),
    })),
  ];
}

/** The S3 bucket naming rules as module data (`local.s3_bucket_name_rules`), for the console bucket's postcondition. */
export function bucketNameRulesValue(): HclValue {
  return BUCKET_NAME_RULES.map((r) => ({ rule: r.rule, pattern: r.pattern.source, valid: r.valid }));
}
