import * as fs from "fs";
import { HclBlock, attribute, block, separated } from "./hcl-block";

/**
 * Versions the module requires. The AWS provider's lower bound is the version the TypeScript
 * bindings were generated from (@cdktf/provider-aws's package.json), read and never typed
 * twice; the upper bound is the next major.
 */

/** optional() with defaults and startswith() in the validations need Terraform 1.3. */
export const REQUIRED_TERRAFORM = ">= 1.3.0";

export function bindingsProviderVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(require.resolve("@cdktf/provider-aws/package.json"), "utf8")) as { cdktf?: { provider?: { version?: string } } };
  const version = manifest.cdktf?.provider?.version;
  if (!version) throw new Error("terraform module: @cdktf/provider-aws/package.json has no cdktf.provider.version");
  return version;
}

export function awsProviderConstraint(): string {
  const version = bindingsProviderVersion();
  return `>= ${version}, < ${Number(version.split(".")[0]) + 1}.0.0`;
}

/** The `terraform` block: required version and providers. */
export function terraformBlock(): HclBlock {
  return block(
    "terraform",
    [],
    separated([
      [attribute("required_version", REQUIRED_TERRAFORM)],
      [block("required_providers", [], [attribute("aws", { source: "hashicorp/aws", version: awsProviderConstraint() })])],
    ]),
  );
}
