import { TerraformJson, blocks, isTrue } from "../../modules/private/terraform-json";
import { Found } from "./found";

/**
 * `prevent_destroy` lives only in the configuration: a plan JSON carries neither the old
 * configuration nor any resource's lifecycle settings. So this rule compares the synthesized
 * configurations (cdk.tf.json) of the stack before and after the change.
 */

/** The literal `prevent_destroy` of a resource's lifecycle block(s); undefined when unset. */
function preventDestroy(resource: Record<string, unknown> | undefined): unknown {
  return blocks(resource?.lifecycle)
    .map((lifecycle) => lifecycle.prevent_destroy)
    .find((value) => value !== undefined);
}

/**
 * Root resources protected before and still configured after, but no longer protected. A
 * resource removed from the configuration is planned for deletion instead, which the delete
 * rules report.
 */
export function preventDestroyRisks(before: TerraformJson, after: TerraformJson): Found[] {
  return Object.entries(before.resource ?? {}).flatMap(([type, byName]) =>
    Object.entries(byName).flatMap(([name, resource]): Found[] => {
      const now = after.resource?.[type]?.[name];
      if (!isTrue(preventDestroy(resource)) || now === undefined || isTrue(preventDestroy(now))) return [];
      const value = preventDestroy(now);
      return [
        {
          rule: "prevent-destroy-removed",
          address: `${type}.${name}`,
          attribute: "lifecycle.prevent_destroy",
          before: "true",
          after: value === undefined ? "unset" : JSON.stringify(value),
        },
      ];
    }),
  );
}
