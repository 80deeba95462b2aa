import { HclBlock, attribute, attributes, block, separated } from "./hcl-block";
import { HclValue, expr } from "./hcl-expression";
import { EXAMPLE_ACCOUNT, EXAMPLE_ADMIN, EXAMPLE_KEY_ARN, EXAMPLE_USER } from "./variables";
import { terraformBlock } from "./versions";

/**
 * The examples shipped in examples/<name>/: each a root module with its provider
 * configuration(s) and a call of the module by relative path. `npm test` validates each and
 * plans it offline. Account IDs and role names are placeholders.
 */

export interface ModuleCall {
  readonly name: string;
  /** `providers = { aws = aws.<alias> }`. */
  readonly provider?: string;
  readonly arguments: Readonly<Record<string, HclValue>>;
}

export interface Example {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** Provider configurations: region, and alias for all but the default one. */
  readonly providers: readonly { readonly region: string; readonly alias?: string }[];
  readonly calls: readonly ModuleCall[];
  /** Outputs of the example: name → module output (`<call>.<output>`). */
  readonly outputs: Readonly<Record<string, string>>;
}

const TRAINER_ROLE = "LookoutVisionTrainer";

export const EXAMPLES: readonly Example[] = [
  {
    name: "complete",
    title: "Complete",
    description:
      "A new key with an administrator and a key user, the console bucket, two output buckets, server access logs in a shared log bucket, and the user policy attached to the trainer role.",
    providers: [{ region: "us-east-1" }],
    calls: [
      {
        name: "lookout_vision_encryption",
        arguments: {
          key: { alias: "alias/lookout-vision", administrator_arns: [EXAMPLE_ADMIN] },
          key_user_arns: [EXAMPLE_USER],
          output_buckets: {
            models: { bucket_name: `example-lookout-vision-models-${EXAMPLE_ACCOUNT}` },
            experiments: { bucket_name: `example-lookout-vision-experiments-${EXAMPLE_ACCOUNT}`, prefix: "experiments/" },
          },
          access_logs: { enabled: true },
          user_policy: { attach_to_role_names: [TRAINER_ROLE] },
          tags: { project: "lookout-vision", "data-classification": "confidential" },
        },
      },
    ],
    outputs: {
      key_arn: "lookout_vision_encryption.key_arn",
      console_bucket_name: "lookout_vision_encryption.console_bucket_name",
      output_configs: "lookout_vision_encryption.output_configs",
      user_policy_arn: "lookout_vision_encryption.user_policy_arn",
    },
  },
  {
    name: "bring-your-own-key",
    title: "Bring your own key",
    description:
      "A key owned by another (security) account encrypts the buckets of this account; the key_policy_statements_for_key_owner output is what that account adds to the key's policy.",
    providers: [{ region: "us-east-1" }],
    calls: [
      {
        name: "lookout_vision_encryption",
        arguments: {
          key: { existing_key: { arn: EXAMPLE_KEY_ARN.replace(EXAMPLE_ACCOUNT, "222222222222") } },
          key_user_arns: [EXAMPLE_USER],
          output_buckets: { models: { bucket_name: `example-lookout-vision-models-${EXAMPLE_ACCOUNT}` } },
          user_policy: { attach_to_role_names: [TRAINER_ROLE] },
        },
      },
    ],
    outputs: {
      key_policy_statements_for_key_owner: "lookout_vision_encryption.key_policy_statements_for_key_owner",
      output_configs: "lookout_vision_encryption.output_configs",
    },
  },
  {
    name: "multi-region-replica",
    title: "Multi-region key and replica",
    description:
      "A multi-region primary key in us-east-1 and its replica in eu-west-1 (two provider configurations), each region with its console bucket and an output bucket.",
    providers: [{ region: "us-east-1" }, { region: "eu-west-1", alias: "replica" }],
    calls: [
      {
        name: "primary",
        arguments: {
          key: { multi_region: true },
          key_user_arns: [EXAMPLE_USER],
          output_buckets: { models: { bucket_name: `example-lookout-vision-models-use1-${EXAMPLE_ACCOUNT}` } },
        },
      },
      {
        name: "replica",
        provider: "aws.replica",
        arguments: {
          key: { replica_of: { primary_key_arn: expr("module.primary.key_arn") } },
          key_user_arns: [EXAMPLE_USER],
          output_buckets: { models: { bucket_name: `example-lookout-vision-models-euw1-${EXAMPLE_ACCOUNT}` } },
        },
      },
    ],
    outputs: {
      primary_key_arn: "primary.key_arn",
      replica_key_arn: "replica.key_arn",
    },
  },
  {
    name: "rekognition-custom-labels",
    title: "Rekognition Custom Labels",
    description:
      "The same encryption for Amazon Rekognition Custom Labels, the path off Lookout for Vision: its console bucket, an output bucket for CreateProjectVersion, and the user policy with the Custom Labels actions.",
    providers: [{ region: "us-east-1" }],
    calls: [
      {
        name: "custom_labels_encryption",
        arguments: {
          service_profile: "rekognition-custom-labels",
          key: { administrator_arns: [EXAMPLE_ADMIN] },
          key_user_arns: [`arn:aws:iam::${EXAMPLE_ACCOUNT}:role/CustomLabelsTrainer`],
          output_buckets: { models: { bucket_name: `example-custom-labels-models-${EXAMPLE_ACCOUNT}`, prefix: "project-versions/" } },
          user_policy: { attach_to_role_names: ["CustomLabelsTrainer"] },
        },
      },
    ],
    outputs: {
      key_arn: "custom_labels_encryption.key_arn",
      output_configs: "custom_labels_encryption.output_configs",
    },
  },
];

/**
 * Tearing an example down on purpose, as its README tells it and the deploy check runs it: the key
 * and every bucket carry `prevent_destroy = true`, which Terraform does not accept as a variable.
 * 1. every module call gets TEARDOWN_ARGUMENTS, applied (force_destroy is read from the state when
 *    the bucket is destroyed); 2. in the copy of the module the example calls, PREVENT_DESTROY.on
 *    becomes PREVENT_DESTROY.off; 3. `tofu destroy`.
 */
export const TEARDOWN_ARGUMENTS = { bucket_settings: { force_destroy: true } } as const;
export const PREVENT_DESTROY = { on: "prevent_destroy = true", off: "prevent_destroy = false" } as const;

/** The example with TEARDOWN_ARGUMENTS in every module call (other bucket settings kept). */
export function teardownExample(example: Example): Example {
  return {
    ...example,
    calls: example.calls.map((call) => ({
      ...call,
      arguments: {
        ...call.arguments,
        bucket_settings: { ...((call.arguments.bucket_settings ?? {}) as object), ...TEARDOWN_ARGUMENTS.bucket_settings },
      },
    })),
  };
}

/** `module "<name>" { source = ..., providers = ..., <arguments> }`. */
export function moduleCallBlock(call: ModuleCall, source: string): HclBlock {
  return block(
    "module",
    [call.name],
    separated([
      [attribute("source", source), ...(call.provider ? [attribute("providers", { aws: expr(call.provider) })] : [])],
      attributes(call.arguments),
    ]),
  );
}

/** examples/<name>/main.tf. */
export function exampleBlocks(example: Example): HclBlock[] {
  return [
    terraformBlock(),
    ...example.providers.map((p) => block("provider", ["aws"], attributes({ alias: p.alias, region: p.region }))),
    ...example.calls.map((call) => moduleCallBlock(call, "../../")),
    ...Object.entries(example.outputs).map(([name, value]) => block("output", [name], [attribute("value", expr(`module.${value}`))])),
  ];
}
