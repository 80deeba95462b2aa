import { TerraformVariable, TerraformVariableValidationConfig, VariableType } from "cdktf";
import { Construct } from "constructs";
import { DELETION_WINDOW_DAYS, ROTATION_PERIOD_DAYS } from "../lookout-vision-key";
import { maxSuffixLength } from "../console-bucket";
import { LOOKOUT_FOR_VISION } from "../service-profile";
import {
  ALIAS_MAX_LENGTH,
  ALIAS_PATTERN,
  BUCKET_NAME_PART_PATTERN,
  BUCKET_NAME_RULES,
  KMS_KEY_ARN_PATTERN,
  PRINCIPAL_ARN_PATTERN,
  RESERVED_ALIAS_PREFIX,
  RESERVED_TAG_PREFIX,
  S3_PREFIX_MAX_LENGTH,
  S3_PREFIX_PATTERN,
  TAG_KEY_MAX_LENGTH,
  TAG_VALUE_MAX_LENGTH,
} from "../validation";
import { hclString } from "./hcl-expression";
import { forAll, matches, nullOr, validation, wholeNumberIn } from "./validation-conditions";

/** The module's input variables, grouped by topic as variables.tf lists them. */
export interface ModuleInputs {
  readonly existingKeyArn: TerraformVariable;
  readonly keyAlias: TerraformVariable;
  readonly rotationPeriodInDays: TerraformVariable;
  readonly deletionWindowInDays: TerraformVariable;
  readonly multiRegion: TerraformVariable;
  readonly administratorArns: TerraformVariable;
  readonly keyUserArns: TerraformVariable;
  readonly createConsoleBucket: TerraformVariable;
  readonly consoleBucketSuffix: TerraformVariable;
  readonly outputBucketName: TerraformVariable;
  readonly outputPrefix: TerraformVariable;
  readonly versioning: TerraformVariable;
  readonly accessLogs: TerraformVariable;
  readonly forceDestroy: TerraformVariable;
  readonly tags: TerraformVariable;
}

const PRINCIPALS = "IAM principal ARNs (arn:<partition>:iam::<account>:root|user/<name>|role/<name>, or an sts assumed-role ARN)";

function variable(scope: Construct, name: string, type: string, description: string, defaultValue: unknown, checks: TerraformVariableValidationConfig[] = []) {
  return new TerraformVariable(scope, name, {
    type,
    description,
    ...(defaultValue !== undefined ? { default: defaultValue } : {}),
    ...(checks.length > 0 ? { validation: checks } : {}),
  });
}

function principalList(scope: Construct, name: string, description: string): TerraformVariable {
  const check = forAll(`var.${name}`, (arn) => matches(PRINCIPAL_ARN_PATTERN, arn));
  return variable(scope, name, VariableType.LIST_STRING, description, [], [validation(name, check, PRINCIPALS)]);
}

/** Every S3 bucket naming rule as its own validation block, so the message names the rule broken. */
function bucketNameChecks(name: string): TerraformVariableValidationConfig[] {
  return BUCKET_NAME_RULES.map((r) => {
    const test = matches(r.pattern, `var.${name}`);
    return validation(name, r.valid ? test : `!${test}`, `a valid S3 bucket name (${r.rule})`);
  });
}

export function declareInputs(scope: Construct): ModuleInputs {
  const suffixRoom = maxSuffixLength(LOOKOUT_FOR_VISION.consoleBucketPrefix, "us-east-1");
  return {
    existingKeyArn: variable(
      scope,
      "existing_key_arn",
      VariableType.STRING,
      "Bring your own key: ARN of an existing KMS key in the buckets' region. null creates a new key; with a key ARN no key, alias or key policy is created and the key_policy_statements_for_key_owner output says what the key's owner must add.",
      null,
      [validation("existing_key_arn", nullOr("var.existing_key_arn", matches(KMS_KEY_ARN_PATTERN, "var.existing_key_arn")), "null or a KMS key ARN (alias ARNs are not accepted)")],
    ),
    keyAlias: variable(scope, "key_alias", VariableType.STRING, "Alias of the created key.", `alias/${LOOKOUT_FOR_VISION.slug}`, [
      validation(
        "key_alias",
        `${matches(ALIAS_PATTERN, "var.key_alias")} && length(var.key_alias) <= ${ALIAS_MAX_LENGTH} && !startswith(var.key_alias, ${hclString(RESERVED_ALIAS_PREFIX)})`,
        `"alias/<name>" with letters, digits, '/', '_' or '-' only, at most ${ALIAS_MAX_LENGTH} characters, not under "${RESERVED_ALIAS_PREFIX}"`,
      ),
    ]),
    rotationPeriodInDays: variable(scope, "rotation_period_in_days", VariableType.NUMBER, "Days between automatic rotations of the created key (rotation is always on).", 365, [
      validation("rotation_period_in_days", wholeNumberIn("var.rotation_period_in_days", ROTATION_PERIOD_DAYS), `a whole number from ${ROTATION_PERIOD_DAYS.min} to ${ROTATION_PERIOD_DAYS.max}`),
    ]),
    deletionWindowInDays: variable(scope, "deletion_window_in_days", VariableType.NUMBER, "Waiting period before a scheduled deletion of the created key takes effect.", 30, [
      validation("deletion_window_in_days", wholeNumberIn("var.deletion_window_in_days", DELETION_WINDOW_DAYS), `a whole number from ${DELETION_WINDOW_DAYS.min} to ${DELETION_WINDOW_DAYS.max}`),
    ]),
    multiRegion: variable(scope, "multi_region", VariableType.BOOL, "Create a multi-region primary key. Changing it replaces the key.", false),
    administratorArns: principalList(scope, "administrator_arns", "Principals that manage the created key (never use it for data). Empty: the account's IAM policies decide, through the account root statement."),
    keyUserArns: principalList(
      scope,
      "key_user_arns",
      "Principals that use the key through S3 and Lookout for Vision only (grants via the service, data keys via S3 and the service). Empty: the account root, so the account's IAM policies (such as the user policy) decide.",
    ),
    createConsoleBucket: variable(scope, "create_console_bucket", VariableType.BOOL, "Create the console bucket lookoutvision-<region>-<suffix>. false when the console already created it; the user policy still covers it.", true),
    consoleBucketSuffix: variable(scope, "console_bucket_suffix", VariableType.STRING, "Last part of the console bucket name. null: the account ID.", null, [
      validation(
        "console_bucket_suffix",
        nullOr("var.console_bucket_suffix", `${matches(BUCKET_NAME_PART_PATTERN, "var.console_bucket_suffix")} && length(var.console_bucket_suffix) <= ${suffixRoom}`),
        `null or 1-${suffixRoom} lowercase letters, digits or hyphens, starting and ending with a letter or digit`,
      ),
    ]),
    outputBucketName: variable(scope, "output_bucket_name", VariableType.STRING, "Name of the bucket for training results (CreateModel OutputConfig). Changing it replaces the bucket.", undefined, bucketNameChecks("output_bucket_name")),
    outputPrefix: variable(scope, "output_prefix", VariableType.STRING, "Key prefix training results are written under in the output bucket.", "training-output/", [
      validation(
        "output_prefix",
        `${matches(S3_PREFIX_PATTERN, "var.output_prefix")} && length(var.output_prefix) <= ${S3_PREFIX_MAX_LENGTH}`,
        `a non-empty S3 key prefix of at most ${S3_PREFIX_MAX_LENGTH} characters, not starting with '/', without '//' or whitespace`,
      ),
    ]),
    versioning: variable(scope, "versioning", VariableType.BOOL, "Keep every version of every object in the buckets.", true),
    accessLogs: variable(scope, "access_logs", VariableType.BOOL, "Server access logs of every bucket into one shared SSE-S3 log bucket (lookout-vision-logs-...), each bucket under its own prefix.", false),
    forceDestroy: variable(scope, "force_destroy", VariableType.BOOL, "Let terraform destroy delete buckets that still hold objects (prevent_destroy must be removed first: it is always on).", false),
    tags: variable(scope, "tags", VariableType.MAP_STRING, "Tags on every taggable resource.", {}, [
      validation(
        "tags",
        forAll("var.tags", (value, key) => `length(${key}) >= 1 && length(${key}) <= ${TAG_KEY_MAX_LENGTH} && !startswith(${key}, ${hclString(RESERVED_TAG_PREFIX)}) && length(${value}) <= ${TAG_VALUE_MAX_LENGTH}`),
        `keys of 1-${TAG_KEY_MAX_LENGTH} characters not starting with "${RESERVED_TAG_PREFIX}", values of at most ${TAG_VALUE_MAX_LENGTH} characters`,
      ),
    ]),
  };
}
