import * as fs from "fs";
import * as path from "path";
import { HclBlock, attribute, block, separated } from "./hcl-block";

/**
 * Versions the module requires. The AWS provider's lower bound is the version the TypeScript
 * bindings were generated from (@cdktf/provider-aws's package.json), read and never typed
 * twice; the upper bound is the next major.
 */

/** optional() with defaults and startswith() in the validations need Terraform 1.3. */
export const REQUIRED_TERRAFORM = ">= 1.3.0";

/**
 * @cdktf/provider-aws's package.json, found by path from this file: the builder runs from the
 * repository (it is not published), and the cdktn suite maps the module name @cdktf/provider-aws
 * to @cdktn/provider-aws (6.66.0), while the module's floor stays the lowest bindings' version.
 */
function cdktfBindingsManifest(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", "@cdktf", "provider-aws", "package.json");
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`terraform module: no node_modules/@cdktf/provider-aws/package.json above ${__dirname}`);
}

export function bindingsProviderVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(cdktfBindingsManifest(), "utf8")) as { cdktf?: { provider?: { version?: string } } };
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
