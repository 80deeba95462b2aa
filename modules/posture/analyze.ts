import { BucketFacts, bucketFacts, bucketIssues } from "./bucket-check";
import { Finding, Issue, toFinding } from "./findings";
import { KeyFacts, keyFacts, keyIssues } from "./key-check";
import { RULE_IDS } from "./rules";
import { indexStack } from "./stack-index";
import { suppressionsOf } from "./suppressions";
import { ResourceRef, TerraformJson, address, compareStrings, constructPathOf } from "../private/terraform-json";

/** The posture of one synthesized stack: what it holds and what breaks the rules. */
export interface StackPosture {
  readonly stack: string;
  readonly buckets: BucketFacts[];
  readonly keys: KeyFacts[];
  /** Sorted by rule id, then resource address. */
  readonly findings: Finding[];
}

function findingsFor(stack: string, ref: ResourceRef, issues: Issue[]): Finding[] {
  const suppressions = suppressionsOf(ref);
  const subject = { stack, address: address(ref), constructPath: constructPathOf(ref) };
  return issues.map((found) => toFinding(subject, found, suppressions.find((s) => s.rule === found.rule)?.reason));
}

function byRuleThenAddress(a: Finding, b: Finding): number {
  return RULE_IDS.indexOf(a.rule) - RULE_IDS.indexOf(b.rule) || compareStrings(a.address, b.address) || compareStrings(a.message, b.message);
}

/** Checks every S3 bucket and KMS key of one synthesized stack (`cdk.tf.json` parsed). Pure: JSON in, posture out. */
export function analyzeStack(stack: string, json: TerraformJson): StackPosture {
  const index = indexStack(json);
  const buckets = index.buckets.map((bucket) => bucketFacts(index, bucket));
  const keys = index.keys.map((key) => keyFacts(index, key));
  const findings = [
    ...buckets.flatMap((facts) => findingsFor(stack, facts.ref, bucketIssues(facts))),
    ...keys.flatMap((facts) => findingsFor(stack, facts.ref, keyIssues(facts))),
  ].sort(byRuleThenAddress);
  return { stack, buckets, keys, findings };
}
