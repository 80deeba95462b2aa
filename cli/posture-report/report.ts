import { StackPosture, analyzeStack } from "../../modules/posture/analyze";
import { BucketFacts, PUBLIC_ACCESS_FLAGS, encryptionName } from "../../modules/posture/bucket-check";
import { Finding } from "../../modules/posture/findings";
import { KeyFacts } from "../../modules/posture/key-check";
import { cell, code, table } from "../markdown";
import { postureDiagram } from "./mermaid";
import { ruleMapTable } from "./rule-map";
import { ScanResults, scanSection } from "./scan-results";
import { TerraformJson, address, isExpression, isTrue } from "../../modules/private/terraform-json";

function show(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function encryptionCell(bucket: BucketFacts): string {
  const name = encryptionName(bucket);
  if (name !== "SSE-KMS") return cell(name);
  const bucketKey = bucket.encryption?.bucketKeyEnabled;
  return cell(`SSE-KMS, bucket key ${isTrue(bucketKey) ? "on" : isExpression(bucketKey) ? show(bucketKey) : "off"}`);
}

function keyCell(bucket: BucketFacts): string {
  if (bucket.keyAddress) return code(bucket.keyAddress);
  const id = bucket.encryption?.kmsKeyId;
  if (id !== undefined) return code(show(id));
  return String(bucket.encryption?.algorithm ?? "").startsWith("aws:kms") ? cell("aws/s3 (AWS managed)") : cell("-");
}

function publicAccessCell(bucket: BucketFacts): string {
  const block = bucket.publicAccessBlock;
  if (!block) return cell("no public access block");
  const notTrue = PUBLIC_ACCESS_FLAGS.filter((flag) => !isTrue(block[flag]));
  return cell(notTrue.length === 0 ? "all 4 blocked" : `not blocked: ${notTrue.map((f) => `${f}=${show(block[f] ?? null)}`).join(", ")}`);
}

function bucketsTable(buckets: readonly BucketFacts[]): string {
  return table(
    ["bucket", "name", "encryption", "key", "public access", "TLS-only policy", "versioning", "logging"],
    buckets.map((b) => [
      code(address(b.ref)),
      cell(b.isLogBucket ? `${b.name} (access-log bucket)` : b.name),
      encryptionCell(b),
      keyCell(b),
      publicAccessCell(b),
      cell(b.tlsPolicy),
      cell(b.versioning ?? "not configured"),
      b.loggingTarget ? code(b.loggingTarget) : cell("off"),
    ]),
  );
}

function rotationCell(key: KeyFacts): string {
  if (key.isReplica) return cell("with its primary (replica)");
  if (!key.rotationApplies) return cell("n/a (asymmetric or HMAC key)");
  return cell(isTrue(key.rotationEnabled) ? "on" : isExpression(key.rotationEnabled) ? show(key.rotationEnabled) : "off");
}

function listCell(values: readonly string[]): string {
  return values.length === 0 ? cell("none") : values.map(code).join("<br>");
}

function keysTable(keys: readonly KeyFacts[]): string {
  return table(
    ["key", "aliases", "rotation", "period (days)", "deletion window (days)", "administrators", "users", "grant conditions"],
    keys.map((k) => [
      code(address(k.ref)),
      listCell(k.aliases),
      rotationCell(k),
      cell(k.rotationPeriodInDays === undefined ? (k.rotationApplies ? "365 (AWS default)" : "-") : show(k.rotationPeriodInDays)),
      cell(k.deletionWindowInDays === undefined ? "30 (AWS default)" : show(k.deletionWindowInDays)),
      listCell(k.administrators),
      listCell(k.users),
      k.policy !== "default" && "unreadable" in k.policy
        ? cell(k.policy.unreadable)
        : k.grantConditions.map(cell).join("<br>") || cell("no grants allowed"),
    ]),
  );
}

function findingsTable(findings: readonly Finding[]): string {
  return table(
    ["rule", "severity", "resource", "construct path", "what is wrong", "how to fix"],
    findings.map((f) => [code(f.rule), cell(f.severity), code(f.address), code(f.constructPath), cell(f.message), cell(f.fix)]),
  );
}

function suppressedTable(findings: readonly Finding[]): string {
  return table(
    ["rule", "severity", "resource", "what is wrong", "reason for suppressing"],
    findings.map((f) => [code(f.rule), cell(f.severity), code(f.address), cell(f.message), cell(f.suppressedBecause ?? "")]),
  );
}

interface Counts {
  readonly errors: number;
  readonly warnings: number;
  readonly suppressed: number;
}

export function countFindings(findings: readonly Finding[]): Counts {
  const open = findings.filter((f) => f.suppressedBecause === undefined);
  return {
    errors: open.filter((f) => f.severity === "error").length,
    warnings: open.filter((f) => f.severity === "warning").length,
    suppressed: findings.length - open.length,
  };
}

function stackSection(posture: StackPosture): string {
  const open = posture.findings.filter((f) => f.suppressedBecause === undefined);
  const suppressed = posture.findings.filter((f) => f.suppressedBecause !== undefined);
  const diagram = postureDiagram(posture);
  return [
    `## Stack \`${posture.stack}\``,
    "### Findings",
    open.length > 0 ? findingsTable(open) : "No open findings.",
    ...(suppressed.length > 0 ? ["### Suppressed findings", suppressedTable(suppressed)] : []),
    "### S3 buckets",
    posture.buckets.length > 0 ? bucketsTable(posture.buckets) : "No S3 buckets.",
    "### KMS keys",
    posture.keys.length > 0 ? keysTable(posture.keys) : "No KMS keys.",
    ...(diagram ? ["### Who can use which key, and what it encrypts", `\`\`\`mermaid\n${diagram}\n\`\`\``] : []),
  ].join("\n\n");
}

/** A checkov scan to show beside the findings, and the scanned targets that changed since. */
export interface ReportScan {
  readonly results: ScanResults;
  readonly changedSinceScan: ReadonlySet<string>;
}

/**
 * The posture report of synthesized stacks, as Markdown: a summary, the checkov scan (or that
 * none was run), then per stack its findings, buckets, keys and a Mermaid diagram, and the map
 * of rules to Security Hub controls and checkov checks. Pure and deterministic: stacks are
 * sorted by name, resources by address.
 */
export function buildReport(stacks: Readonly<Record<string, TerraformJson>>, scan?: ReportScan): string {
  const postures = Object.keys(stacks)
    .sort()
    .map((name) => analyzeStack(name, stacks[name]));
  const summary = table(
    ["stack", "buckets", "keys", "errors", "warnings", "suppressed"],
    postures.map((p) => {
      const counts = countFindings(p.findings);
      return [
        code(p.stack),
        String(p.buckets.length),
        String(p.keys.length),
        String(counts.errors),
        String(counts.warnings),
        String(counts.suppressed),
      ];
    }),
  );
  return (
    [
      "# Encryption posture report",
      "Checked from the synthesized stacks (`cdktf.out`). Rule ids and how to suppress a finding: `docs/posture.md`.",
      postures.length > 0 ? summary : "No stacks were synthesized.",
      scanSection(scan?.results, scan?.changedSinceScan),
      ...postures.map(stackSection),
      "## Rules, and the Security Hub controls and checkov checks that check the same",
      ruleMapTable(),
    ].join("\n\n") + "\n"
  );
}
