import {
  AnnotationMetadataEntryType,
  Annotations,
  DefaultTokenResolver,
  IAspect,
  StringConcat,
  TerraformResource,
  TerraformStack,
  Tokenization,
} from "cdktf";
import { IConstruct } from "constructs";
import { analyzeStack } from "./analyze";
import { Finding } from "./findings";
import { SUPPRESSIONS_OVERRIDE, suppress, suppressionsInScope } from "./suppressions";
import { POSTURE_RESOURCE_TYPES } from "./stack-index";
import { TerraformJson } from "../private/terraform-json";

/** One line for the synth log: rule, resource, what is wrong, how to fix it. */
export function annotationMessage(finding: Finding): string {
  if (finding.suppressedBecause !== undefined) {
    return `[${finding.rule}] suppressed on ${finding.address}: ${finding.message}. Reason: ${finding.suppressedBecause}`;
  }
  return (
    `[${finding.rule}] ${finding.address}: ${finding.message}. Fix: ${finding.fix} ` +
    `If it is intended: EncryptionPosture.suppress(construct, "${finding.rule}", "<reason>").`
  );
}

/** Each synth runs the aspects again: an annotation already on the construct is not added twice. */
function annotateOnce(construct: IConstruct, finding: Finding): void {
  const message = annotationMessage(finding);
  const level =
    finding.suppressedBecause !== undefined
      ? AnnotationMetadataEntryType.INFO
      : finding.severity === "error"
        ? AnnotationMetadataEntryType.ERROR
        : AnnotationMetadataEntryType.WARN;
  if (construct.node.metadata.some((m) => m.type === level && m.data === message)) return;
  const annotations = Annotations.of(construct);
  if (level === AnnotationMetadataEntryType.INFO) annotations.addInfo(message);
  else if (level === AnnotationMetadataEntryType.ERROR) annotations.addError(message);
  else annotations.addWarning(message);
}

/**
 * The stack's JSON as synth will write it, but only the resources the rules read: resolving
 * every element (IAM policies, outputs, data sources) would add half a synth to each synth.
 */
const RESOLVER = new DefaultTokenResolver(new StringConcat());

function postureJson(stack: TerraformStack, resources: readonly TerraformResource[]): TerraformJson {
  const read = new Set<string>(POSTURE_RESOURCE_TYPES);
  const resource: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const element of resources.filter((r) => read.has(r.terraformResourceType))) {
    const fragment = Tokenization.resolve(element.toTerraform(), { scope: stack, preparing: false, resolver: RESOLVER }) as TerraformJson;
    for (const [type, byName] of Object.entries(fragment.resource ?? {})) Object.assign((resource[type] ??= {}), byName);
  }
  return { resource };
}

/**
 * Checks every S3 bucket and KMS key of a stack against the encryption rules at synth
 * (`Aspects.of(stack).add(new EncryptionPosture())`, on each stack: cdktf 0.21 runs no aspect added to the App).
 * Errors are error annotations on the offending resource: `app.synth()` throws and
 * `cdktf synth` exits non-zero. Warnings and suppressed findings never fail synth.
 *
 * It reads the stack as it stands when the aspect reaches the stack, before aspects of
 * constructs inside it run: add aspects that change resources on the stack, before this one.
 */
export class EncryptionPosture implements IAspect {
  /** Suppresses `rule` on `scope` and everything under it, with the reason the report shows. */
  static suppress(scope: IConstruct, rule: string, reason: string): void {
    suppress(scope, rule, reason);
  }

  visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node)) return;
    const resources = node.node.findAll().filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c));
    for (const resource of resources) {
      const suppressions = suppressionsInScope(resource);
      if (suppressions.length > 0) resource.addOverride(SUPPRESSIONS_OVERRIDE, suppressions);
    }
    const posture = analyzeStack(node.node.id, postureJson(node, resources));
    const byAddress = new Map(resources.map((r) => [`${r.terraformResourceType}.${r.friendlyUniqueId}`, r as IConstruct]));
    for (const finding of posture.findings) annotateOnce(byAddress.get(finding.address) ?? node, finding);
  }
}
