import { StackPosture } from "../../modules/posture/analyze";
import { BucketFacts, encryptionName } from "../../modules/posture/bucket-check";
import { KeyFacts } from "../../modules/posture/key-check";
import { address, isExpression } from "../../modules/private/terraform-json";

/**
 * Mermaid label text, for inside double quotes: quotes, '#', angle brackets and backticks become
 * Mermaid entity codes (`#quot;`), so ARNs and `${...}` expressions cannot end the label or
 * inject markup. '#' goes first: every code this writes starts with it.
 */
export function mermaidText(text: string): string {
  const codes: Record<string, string> = { "#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "`": "#96;" };
  return text.replace(/[#"<>`]/g, (ch) => codes[ch]);
}

function label(lines: readonly string[]): string {
  return `"${lines.map(mermaidText).join("<br/>")}"`;
}

/** Node ids are generated (`key_1`, `bucket_2`...): Terraform names and ARNs never reach the syntax outside labels. */
class Nodes {
  private readonly ids = new Map<string, string>();
  private readonly counts = new Map<string, number>();
  readonly lines: string[] = [];

  id(kind: "key" | "bucket" | "principal", name: string, shape: (text: string) => string, lines: readonly string[]): string {
    const known = this.ids.get(`${kind}:${name}`);
    if (known) return known;
    const count = (this.counts.get(kind) ?? 0) + 1;
    const id = `${kind}_${count}`;
    this.counts.set(kind, count);
    this.ids.set(`${kind}:${name}`, id);
    this.lines.push(`  ${id}${shape(label(lines))}`);
    return id;
  }
}

const keyShape = (text: string) => `{{${text}}}`;
const bucketShape = (text: string) => `[(${text})]`;
const principalShape = (text: string) => `([${text}])`;

/** The key a bucket names when that key is not in the stack: an ARN, a variable, or S3's AWS managed key. */
function outsideKey(bucket: BucketFacts): string | undefined {
  if (bucket.keyAddress || !bucket.encryption || !String(bucket.encryption.algorithm).startsWith("aws:kms")) return undefined;
  const id = bucket.encryption.kmsKeyId;
  if (id === undefined) return "aws/s3 (AWS managed key)";
  return isExpression(id) ? `${String(id)} (computed)` : String(id);
}

function roles(key: KeyFacts, principal: string): string {
  const administers = key.administrators.includes(principal);
  const uses = key.users.includes(principal);
  return administers && uses ? "administers, uses" : administers ? "administers" : "uses";
}

/** A flowchart: principals --> keys they administer or use, keys --> buckets they encrypt. Undefined for a stack without either. */
export function postureDiagram(posture: StackPosture): string | undefined {
  if (posture.buckets.length === 0 && posture.keys.length === 0) return undefined;
  const nodes = new Nodes();
  const edges: string[] = [];
  for (const key of posture.keys) {
    const keyId = nodes.id("key", address(key.ref), keyShape, ["KMS key", address(key.ref), ...key.aliases]);
    for (const principal of [...new Set([...key.administrators, ...key.users])].sort()) {
      const principalId = nodes.id("principal", principal, principalShape, [principal]);
      edges.push(`  ${principalId} -->|${label([roles(key, principal)])}| ${keyId}`);
    }
  }
  for (const bucket of posture.buckets) {
    const bucketId = nodes.id("bucket", address(bucket.ref), bucketShape, ["S3 bucket", bucket.name, encryptionName(bucket)]);
    const outside = outsideKey(bucket);
    const keyId = bucket.keyAddress
      ? nodes.id("key", bucket.keyAddress, keyShape, ["KMS key", bucket.keyAddress])
      : outside !== undefined
        ? nodes.id("key", outside, keyShape, ["KMS key outside this stack", outside])
        : undefined;
    if (keyId) edges.push(`  ${keyId} -->|${label(["encrypts"])}| ${bucketId}`);
  }
  return ["flowchart LR", ...nodes.lines, ...edges].join("\n");
}
