import { HclBlock, attribute, attributes, block, separated } from "./hcl-block";
import { HclValue, expr } from "./hcl-expression";
import { MODULE_OUTPUTS } from "./module-outputs";
import { EXAMPLE_ACCOUNT, EXAMPLE_ADMIN, EXAMPLE_KEY_ARN, EXAMPLE_MRK_ARN, EXAMPLE_USER, ResourceRule, VariableSpec } from "./variables";
import { Rule } from "./validation-rules";

/**
 * The `tofu test` files shipped in tests/: the AWS provider mocked, the caller identity, region
 * and partition overridden, every run a plan (nothing is created, nothing reaches AWS).
 * - validation.tftest.hcl: for every rule of every variable (and every precondition), a run
 *   with the input that breaks it (`expect_failures`), and for every variable a run with good,
 *   non-default values whose effect is asserted;
 * - resources.tftest.hcl: what each switch creates (key kinds, console bucket, access logs,
 *   user policy, output buckets, role attachments), and every output set.
 */

export interface TestRun {
  readonly name: string;
  /** The run sets var.region: its file must not override the region (OpenTofu refuses to override a configured value). */
  readonly regionGiven?: boolean;
  readonly variables?: Readonly<Record<string, HclValue>>;
  readonly asserts?: readonly { readonly condition: string; readonly message: string }[];
  readonly expectFailures?: readonly string[];
}

export interface TestFile {
  readonly name: string;
  readonly comment: string;
  readonly runs: readonly TestRun[];
  /** No override of the region data source: the runs set var.region. */
  readonly regionGiven?: boolean;
}

function override(kind: "override_data" | "override_resource", target: string, values: Record<string, HclValue>): HclBlock {
  return block(kind, [], [attribute("target", expr(target)), attribute("values", values)]);
}

/**
 * Caller identity, region and partition as a plan in us-east-1 of account 111111111111 reads
 * them; `module` addresses them inside a module call (`module.primary.`). OpenTofu refuses to
 * override a value the configuration sets: with `var.region` given, the region is not overridden.
 */
export function environmentOverrides(module = "", regionGiven = false): HclBlock[] {
  return [
    override("override_data", `${module}data.aws_caller_identity.current`, { account_id: EXAMPLE_ACCOUNT }),
    ...(regionGiven ? [] : [override("override_data", `${module}data.aws_region.current`, { region: "us-east-1" })]),
    override("override_data", `${module}data.aws_partition.current`, { partition: "aws", dns_suffix: "amazonaws.com" }),
  ];
}

/**
 * ARNs for the resources whose ARNs other arguments take: the provider checks ARN syntax at plan
 * time, which a mocked value (a random string) fails.
 */
export const ARN_OVERRIDES: Readonly<Record<string, Record<string, string>>> = {
  "aws_kms_key.this": { arn: EXAMPLE_MRK_ARN },
  "aws_iam_policy.users": { arn: `arn:aws:iam::${EXAMPLE_ACCOUNT}:policy/lookout-vision-users` },
};

export function arnOverrides(module = ""): HclBlock[] {
  return Object.entries(ARN_OVERRIDES).map(([address, values]) => override("override_resource", `${module}${address}`, values));
}

/** Variables every run starts from (runs override them). */
const BASE_VARIABLES = { key_user_arns: [EXAMPLE_USER] };

function runBlock(run: TestRun): HclBlock {
  return block(
    "run",
    [run.name],
    separated([
      [attribute("command", expr("plan"))],
      run.variables ? [block("variables", [], attributes(run.variables))] : [],
      ...(run.asserts ?? []).map((a) => [block("assert", [], [attribute("condition", expr(a.condition)), attribute("error_message", a.message)])]),
      run.expectFailures ? [attribute("expect_failures", run.expectFailures.map(expr))] : [],
    ]),
  );
}

/** The blocks of a test file: mock provider, overrides, base variables, runs. */
export function testFileBlocks(file: TestFile): HclBlock[] {
  return [
    block("mock_provider", ["aws"], []),
    ...environmentOverrides("", file.regionGiven),
    ...arnOverrides(),
    block("variables", [], attributes(BASE_VARIABLES)),
    ...file.runs.map(runBlock),
  ];
}

const assert = (condition: string, message: string) => ({ condition, message });
/** `Statement` of a policy JSON whose Sid is `sid`. */
const statement = (policy: string, sid: string) => `one([for s in jsondecode(${policy}).Statement : s if s.Sid == "${sid}"])`;
/** The one rule of a set-typed `rule` block. */
const sseDefault = (address: string) => `one(${address}.rule).apply_server_side_encryption_by_default[0]`;

/** A good value for each variable, and what it must change. */
const GOOD_RUNS: readonly TestRun[] = [
  {
    name: "service_profile_accepted",
    variables: { service_profile: "rekognition-custom-labels" },
    asserts: [
      assert(
        `aws_s3_bucket.console[0].bucket == "custom-labels-console-us-east-1-${EXAMPLE_ACCOUNT}"`,
        "the console bucket takes the profile's prefix",
      ),
      assert('aws_kms_alias.this[0].name == "alias/rekognition-custom-labels"', "the alias takes the profile's slug"),
      assert(
        `${statement(
          "local.key_policy",
          "AllowGrantsOnlyViaServiceForAwsResources",
        )}.Condition.StringEquals["kms:ViaService"] == "rekognition.us-east-1.amazonaws.com"`,
        "grants go through the profile's service",
      ),
    ],
  },
  {
    name: "region_accepted",
    variables: { region: "eu-west-1" },
    regionGiven: true,
    asserts: [
      assert('data.aws_region.current.region == "eu-west-1"', "the data source reads the region asked for"),
      assert('aws_kms_key.this[0].region == "eu-west-1"', "resources are placed in the region"),
      assert(`aws_s3_bucket.console[0].bucket == "lookoutvision-eu-west-1-${EXAMPLE_ACCOUNT}"`, "the console bucket is named after the region"),
    ],
  },
  {
    name: "account_id_accepted",
    variables: { account_id: "222222222222" },
    asserts: [
      assert("length(data.aws_caller_identity.current) == 0", "no caller identity lookup when the account is given"),
      assert('aws_s3_bucket.console[0].bucket == "lookoutvision-us-east-1-222222222222"', "the console bucket is named after the account"),
    ],
  },
  {
    name: "key_accepted",
    variables: {
      key: {
        alias: "alias/team/lookout-vision",
        description: "Team vision data",
        rotation_period_in_days: 90,
        deletion_window_in_days: 7,
        allow_account_root_access: false,
        administrator_arns: [EXAMPLE_ADMIN],
      },
    },
    asserts: [
      assert('aws_kms_alias.this[0].name == "alias/team/lookout-vision"', "the alias is the one given"),
      assert('aws_kms_key.this[0].description == "Team vision data"', "the description is the one given"),
      assert(
        "aws_kms_key.this[0].rotation_period_in_days == 90 && aws_kms_key.this[0].deletion_window_in_days == 7",
        "rotation and deletion window are the ones given",
      ),
      assert(`${statement("local.key_policy", "EnableIamPoliciesOfAccount")} == null`, "no account root statement"),
      assert(`${statement("local.key_policy", "AllowKeyAdministration")}.Principal.AWS == ["${EXAMPLE_ADMIN}"]`, "the administrators manage the key"),
    ],
  },
  {
    name: "key_user_arns_accepted",
    variables: { key_user_arns: [EXAMPLE_USER, "arn:aws:sts::333333333333:assumed-role/Trainer/session"] },
    asserts: [
      assert(
        `toset(${statement("local.key_policy", "AllowDescribeKey")}.Principal.AWS) == toset(var.key_user_arns)`,
        "the key users are the principals of the key-use statements",
      ),
      assert(
        `${statement(
          "local.key_policy",
          "AllowDataUseOnlyViaServices",
        )}.Condition.StringEquals["kms:CallerAccount"] == ["${EXAMPLE_ACCOUNT}", "333333333333"]`,
        "the key users' accounts may call",
      ),
    ],
  },
  {
    name: "console_bucket_accepted",
    variables: { console_bucket: { suffix: "team-a" } },
    asserts: [assert('aws_s3_bucket.console[0].bucket == "lookoutvision-us-east-1-team-a"', "the console bucket takes the suffix")],
  },
  {
    name: "output_buckets_accepted",
    variables: { output_buckets: { models: { bucket_name: "team-a-models" }, experiments: { prefix: "experiments/" } } },
    asserts: [
      assert('toset(keys(aws_s3_bucket.output)) == toset(["experiments", "models"])', "one bucket per entry"),
      assert('aws_s3_bucket.output["models"].bucket == "team-a-models"', "the bucket takes the name given"),
      assert('jsondecode(output.output_configs["experiments"]).S3Location.Prefix == "experiments/"', "the prefix given, in the OutputConfig"),
    ],
  },
  {
    name: "bucket_settings_accepted",
    variables: { bucket_settings: { versioning: false, minimum_tls_version: "1.3", abort_incomplete_multipart_upload_days: 3, force_destroy: true } },
    asserts: [
      assert('aws_s3_bucket_versioning.console[0].versioning_configuration[0].status == "Suspended"', "versioning off"),
      assert(
        "aws_s3_bucket_lifecycle_configuration.console[0].rule[0].abort_incomplete_multipart_upload[0].days_after_initiation == 3",
        "multipart uploads aborted after 3 days",
      ),
      assert("aws_s3_bucket.console[0].force_destroy", "force_destroy on"),
      assert(
        `${statement("aws_s3_bucket_policy.console[0].policy", "DenyOutdatedTls")}.Condition.NumericLessThan["s3:TlsVersion"] == "1.3"`,
        "TLS below 1.3 denied",
      ),
    ],
  },
  {
    name: "access_logs_accepted",
    variables: { access_logs: { enabled: true, target_prefix: "logs/", expire_after_days: 30 }, output_buckets: { models: {} } },
    asserts: [
      assert(
        'aws_s3_bucket_logging.console[0].target_prefix == "logs/console/" && aws_s3_bucket_logging.output["models"].target_prefix == "logs/output-models/"',
        "each bucket logs under its prefix",
      ),
      assert(
        "one([for r in aws_s3_bucket_lifecycle_configuration.access_logs[0].rule : r.expiration[0].days]) == 30",
        "log objects expire after 30 days",
      ),
    ],
  },
  {
    name: "user_policy_accepted",
    variables: { user_policy: { name_prefix: "team-a-", attach_to_role_names: ["TrainerA", "TrainerB"] } },
    asserts: [
      assert('aws_iam_policy.users[0].name_prefix == "team-a-"', "the name prefix is the one given"),
      assert('toset(keys(aws_iam_role_policy_attachment.users)) == toset(["TrainerA", "TrainerB"])', "attached to each role"),
    ],
  },
  {
    name: "tags_accepted",
    variables: { tags: { project: "lookout-vision" } },
    asserts: [
      assert(
        'aws_kms_key.this[0].tags["project"] == "lookout-vision" && aws_s3_bucket.console[0].tags["project"] == "lookout-vision"',
        "tags on the key and buckets",
      ),
    ],
  },
];

/** A name for a rule of a variable, unique in the module: `key_deletion_window_in_days` (not `region_region`). */
export function ruleRunName(variable: string, rule: Rule): string {
  return rule.id === variable ? variable : `${variable}_${rule.id}`;
}

/** The validation tests: each rule refused, each variable accepted (the region in a file of its own). */
export function validationTests(variables: readonly VariableSpec[], resourceRules: readonly ResourceRule[]): TestFile[] {
  const refused: TestRun[] = [
    ...variables.flatMap((v) =>
      v.rules.map((rule) => ({ name: `${ruleRunName(v.name, rule)}_refused`, variables: rule.bad, expectFailures: [`var.${v.name}`] })),
    ),
    ...resourceRules.map((r) => ({ name: `${r.rule.id}_refused`, variables: r.rule.bad, expectFailures: [r.address] })),
  ];
  const accepted = variables.map((v) => GOOD_RUNS.find((r) => r.name === `${v.name}_accepted`) ?? missingGoodRun(v.name));
  return [
    {
      name: "validation.tftest.hcl",
      comment: "Every check refuses its bad input, with the message of the TypeScript check; every variable accepts good values.",
      runs: [...refused, ...accepted.filter((r) => !r.regionGiven)],
    },
    {
      name: "region.tftest.hcl",
      comment: "The region given: resources placed and named in it.",
      runs: accepted.filter((r) => r.regionGiven),
      regionGiven: true,
    },
  ];
}

function missingGoodRun(variable: string): never {
  throw new Error(`terraform module: no test run with a good value of ${variable}`);
}

const count = (address: string) => `length(${address})`;

/** The switches tests: what each variable turns on or off, and the outputs. */
export function resourceTests(): TestFile {
  const keyKinds = (key: number, replica: number, alias: number) =>
    assert(
      `${count("aws_kms_key.this")} == ${key} && ${count("aws_kms_replica_key.this")} == ${replica} && ${count("aws_kms_alias.this")} == ${alias}`,
      `key ${key}, replica ${replica}, alias ${alias}`,
    );
  const everything = {
    key: { administrator_arns: [EXAMPLE_ADMIN] },
    output_buckets: { models: { bucket_name: "example-models" }, experiments: {} },
    access_logs: { enabled: true },
    user_policy: { attach_to_role_names: ["LookoutVisionTrainer"] },
  };
  return {
    name: "resources.tftest.hcl",
    comment: "What each switch creates, and every output.",
    runs: [
      {
        name: "new_key_by_default",
        asserts: [
          keyKinds(1, 0, 1),
          assert(
            `${count("aws_s3_bucket.console")} == 1 && ${count("aws_s3_bucket.access_logs")} == 0 && ${count("aws_s3_bucket.output")} == 0`,
            "console bucket only",
          ),
          assert(
            `${count("aws_iam_policy.users")} == 1 && ${count("aws_iam_role_policy_attachment.users")} == 0`,
            "user policy, attached to nothing",
          ),
          assert("aws_kms_key.this[0].enable_key_rotation && aws_kms_key.this[0].policy == local.key_policy", "rotation on, the module's key policy"),
        ],
      },
      {
        name: "existing_key",
        variables: { key: { existing_key: { arn: EXAMPLE_KEY_ARN } } },
        asserts: [
          keyKinds(0, 0, 0),
          assert(
            `${sseDefault("aws_s3_bucket_server_side_encryption_configuration.console[0]")}.kms_master_key_id == "${EXAMPLE_KEY_ARN}"`,
            "the console bucket is encrypted with the given key",
          ),
          assert(`output.key_arn == "${EXAMPLE_KEY_ARN}" && output.key_alias == null`, "key outputs"),
          assert(
            `toset(${statement("output.key_policy_statements_for_key_owner", "AllowDescribeKey")}.Principal.AWS) == toset(var.key_user_arns)`,
            "what the key owner adds names the key users",
          ),
        ],
      },
      {
        name: "replica_key",
        variables: { key: { replica_of: { primary_key_arn: EXAMPLE_MRK_ARN } } },
        asserts: [
          keyKinds(0, 1, 1),
          assert(
            `aws_kms_replica_key.this[0].primary_key_arn == "${EXAMPLE_MRK_ARN}" && aws_kms_replica_key.this[0].policy == local.key_policy`,
            "a replica of the primary, with the module's key policy",
          ),
          assert("output.key_policy_statements_for_key_owner == null", "nothing for a key owner to add"),
        ],
      },
      {
        name: "no_console_bucket",
        variables: { console_bucket: { create: false }, output_buckets: { models: {} } },
        asserts: [
          assert(
            [
              "aws_s3_bucket.console",
              "aws_s3_bucket_policy.console",
              "aws_s3_bucket_server_side_encryption_configuration.console",
              "aws_s3_bucket_logging.console",
            ]
              .map((a) => `${count(a)} == 0`)
              .join(" && "),
            "no console bucket resources",
          ),
          assert("output.console_bucket_name == null && output.console_bucket_arn == null", "console bucket outputs are null"),
          assert(`${count("aws_s3_bucket.output")} == 1`, "the output bucket stays"),
        ],
      },
      {
        name: "no_data_buckets",
        variables: { console_bucket: { create: false }, access_logs: { enabled: true } },
        asserts: [
          assert(`${statement("aws_iam_policy.users[0].policy", "ListDataBuckets")} == null`, "no bucket statements without buckets"),
          assert(
            `${statement("aws_s3_bucket_policy.access_logs[0].policy", "AllowServerAccessLogDelivery")} == null`,
            "no log delivery without buckets",
          ),
        ],
      },
      {
        name: "access_logs",
        variables: { access_logs: { enabled: true }, output_buckets: { models: {}, experiments: {} } },
        asserts: [
          assert(`${count("aws_s3_bucket.access_logs")} == 1 && ${count("aws_s3_bucket_policy.access_logs")} == 1`, "one shared log bucket"),
          assert(
            `${count("aws_s3_bucket_logging.console")} == 1 && toset(keys(aws_s3_bucket_logging.output)) == toset(["experiments", "models"])`,
            "every data bucket logs",
          ),
          assert(
            `${sseDefault("aws_s3_bucket_server_side_encryption_configuration.access_logs[0]")}.sse_algorithm == "AES256"`,
            "the log bucket is SSE-S3",
          ),
        ],
      },
      {
        name: "no_access_logs_by_default",
        variables: { output_buckets: { models: {} } },
        asserts: [
          assert(
            `${count("aws_s3_bucket.access_logs")} == 0 && ${count("aws_s3_bucket_logging.console")} == 0 && ${count(
              "aws_s3_bucket_logging.output",
            )} == 0`,
            "no logging",
          ),
        ],
      },
      {
        name: "no_user_policy",
        variables: { key_user_arns: [], user_policy: { create: false, attach_to_role_names: ["LookoutVisionTrainer"] } },
        asserts: [
          assert(`${count("aws_iam_policy.users")} == 0 && ${count("aws_iam_role_policy_attachment.users")} == 0`, "no user policy, no attachment"),
          assert("output.user_policy_arn == null", "user_policy_arn is null"),
        ],
      },
      {
        name: "output_buckets_and_role_attachments",
        variables: everything,
        asserts: [
          assert(
            'toset(keys(aws_s3_bucket.output)) == toset(["experiments", "models"]) && toset(keys(aws_s3_bucket_policy.output)) == toset(["experiments", "models"])',
            "every part per output bucket",
          ),
          assert('toset(keys(aws_iam_role_policy_attachment.users)) == toset(["LookoutVisionTrainer"])', "attached to the role"),
          assert(`jsondecode(output.output_configs["experiments"]).S3Location.Prefix == "training-output/"`, "OutputConfig with the default prefix"),
        ],
      },
      {
        name: "every_output_set",
        variables: everything,
        asserts: MODULE_OUTPUTS.filter((o) => o.name !== "key_policy_statements_for_key_owner").map((o) =>
          assert(`output.${o.name} != null`, `output ${o.name} is set`),
        ),
      },
    ],
  };
}

/** The header comment and blocks of a test file, for rendering. */
export function testFileComment(file: TestFile): string[] {
  return [
    `Generated by \`npm run build:module\`: ${file.comment}`,
    "Run with `tofu test` (or `terraform test`) in the module folder: the provider is mocked, nothing reaches AWS.",
  ];
}
