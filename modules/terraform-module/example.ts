import { hclString, renderExpression } from "./hcl-expression";

/**
 * The call of the module shown in README.md and written to examples/complete/main.tf: one
 * source, so the documented usage is the example that is checked.
 */
export const EXAMPLE_ARGUMENTS: Readonly<Record<string, unknown>> = {
  key_alias: "alias/lookout-vision",
  administrator_arns: ["arn:aws:iam::111111111111:role/KeyAdmin"],
  key_user_arns: ["arn:aws:iam::111111111111:role/LookoutVisionTrainer"],
  output_bucket_name: "example-lookout-vision-models-111111111111",
  output_prefix: "models/",
  access_logs: true,
  tags: { project: "lookout-vision", "data-classification": "confidential" },
};

export function moduleCall(source: string): string {
  const width = Math.max(...Object.keys(EXAMPLE_ARGUMENTS).map((k) => k.length));
  const args = Object.entries(EXAMPLE_ARGUMENTS).map(([k, v]) => `  ${k.padEnd(width)} = ${renderExpression(v, 1)}`);
  return `module "lookout_vision_encryption" {\n  source = ${hclString(source)}\n\n${args.join("\n")}\n}\n`;
}

/** examples/complete/main.tf: the provider block lives here, in the caller, never in the module. */
export function completeExample(): string {
  return [
    'provider "aws" {\n  region = "us-east-1"\n}\n',
    moduleCall("../../"),
    'output "output_config" {\n  description = "Pass as OutputConfig to CreateModel."\n  value       = module.lookout_vision_encryption.output_config\n}\n',
    'output "user_policy_arn" {\n  value = module.lookout_vision_encryption.user_policy_arn\n}\n',
  ].join("\n");
}
