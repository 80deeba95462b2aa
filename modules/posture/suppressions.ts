import { IConstruct } from "constructs";
import { RULE_IDS, RuleId, isRuleId } from "./rules";
import { ResourceRef } from "../private/terraform-json";

export interface Suppression {
  readonly rule: RuleId;
  /** Why the finding is acceptable here: shown in the report. */
  readonly reason: string;
}

const METADATA_TYPE = "lve-posture/suppression";

/**
 * Where suppressions live in the synthesized resource: Terraform ignores `//` keys, and the
 * report reads them back from `cdk.tf.json` after synth.
 */
export const SUPPRESSIONS_OVERRIDE = "//.posture.suppressions";

/**
 * Suppresses a rule on a construct and everything under it (a resource, or a construct such
 * as an EncryptedBucket). The finding stays in the report with the reason and no longer fails synth.
 */
export function suppress(scope: IConstruct, rule: string, reason: string): void {
  if (!isRuleId(rule)) {
    throw new Error(`EncryptionPosture.suppress: rule must be one of ${RULE_IDS.join(", ")}, got ${JSON.stringify(rule)}`);
  }
  if (typeof reason !== "string" || reason.trim().length === 0) {
    throw new Error(
      `EncryptionPosture.suppress: reason must be a non-empty sentence saying why ${rule} is acceptable here, got ${JSON.stringify(reason)}`,
    );
  }
  scope.node.addMetadata(METADATA_TYPE, { rule, reason: reason.trim() } satisfies Suppression, { stackTrace: false });
}

/** Suppressions on the construct and on every scope above it, outermost first. */
export function suppressionsInScope(construct: IConstruct): Suppression[] {
  return construct.node.scopes.flatMap((scope) => scope.node.metadata.filter((m) => m.type === METADATA_TYPE).map((m) => m.data as Suppression));
}

/** The suppressions written into a synthesized resource (see SUPPRESSIONS_OVERRIDE). */
export function suppressionsOf(ref: ResourceRef): Suppression[] {
  const found = (ref.config["//"] as { posture?: { suppressions?: unknown } } | undefined)?.posture?.suppressions;
  if (!Array.isArray(found)) return [];
  return found.filter((s): s is Suppression => typeof s?.rule === "string" && isRuleId(s.rule) && typeof s.reason === "string");
}
