import { spawnSync } from "child_process";
import { join } from "path";
import { Testing } from "cdktf";
import { buildApp } from "../main";
import { analyzeStack } from "../modules/posture/analyze";
import { mermaidText, postureDiagram } from "../cli/posture-report/mermaid";
import { buildReport } from "../cli/posture-report/report";
import { RULE_IDS } from "../modules/posture/rules";
import { sampleScan } from "./posture-fixtures";
import { TerraformJson } from "../modules/private/terraform-json";

const ROOT = join(__dirname, "..");

/**
 * Parses diagrams with the Mermaid that GitHub renders with (mermaid is ESM-only and needs a
 * DOM for label sanitizing: a child node process with jsdom). Returns "ok" or the parse error, per diagram.
 */
function mermaidParse(diagrams: string[]): string[] {
  const script = `
    import { JSDOM } from "jsdom";
    const { window } = new JSDOM("");
    globalThis.window = window;
    globalThis.document = window.document;
    const { default: mermaid } = await import("mermaid");
    const diagrams = JSON.parse(await new Promise((resolve) => { let s = ""; process.stdin.on("data", (d) => (s += d)); process.stdin.on("end", () => resolve(s)); }));
    const results = [];
    for (const text of diagrams) {
      try { await mermaid.parse(text); results.push("ok"); } catch (e) { results.push(String(e.message).split("\\n").slice(0, 3).join(" ")); }
    }
    console.log(JSON.stringify(results));
  `;
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: ROOT, input: JSON.stringify(diagrams), encoding: "utf8" });
  if (run.status !== 0) throw new Error(`mermaid parse failed to run: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split("\n").pop() as string) as string[];
}

const TRICKY = 'arn:aws:iam::111111111111:role/a"b#c<d>`e|f]g}${var.x}';

/** A stack in plain JSON: a key with a policy, a bucket it encrypts, a bucket with a foreign key, a bare bucket. */
function sampleStack(): TerraformJson {
  const policy = JSON.stringify({
    Statement: [
      { Sid: "Root", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "kms:*", Resource: "*" },
      {
        Sid: "Users",
        Effect: "Allow",
        Principal: { AWS: [TRICKY] },
        Action: ["kms:Decrypt", "kms:CreateGrant"],
        Resource: "*",
        Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
      },
    ],
  });
  const tlsPolicy = (name: string) =>
    JSON.stringify({
      Statement: [
        {
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [`\${aws_s3_bucket.${name}.arn}`, `\${aws_s3_bucket.${name}.arn}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ],
    });
  const sse = (name: string, key: string) => ({
    bucket: `\${aws_s3_bucket.${name}.id}`,
    rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: key }, bucket_key_enabled: true }],
  });
  const pab = (name: string) => ({
    bucket: `\${aws_s3_bucket.${name}.id}`,
    block_public_acls: true,
    block_public_policy: true,
    ignore_public_acls: true,
    restrict_public_buckets: true,
  });
  return {
    resource: {
      aws_kms_key: { key: { enable_key_rotation: true, rotation_period_in_days: 90, deletion_window_in_days: 30, policy } },
      aws_kms_alias: { alias: { name: "alias/data", target_key_id: "${aws_kms_key.key.key_id}" } },
      aws_s3_bucket: { data: { bucket: "data-bucket" }, foreign: { bucket: "foreign-bucket" }, bare: { bucket_prefix: "bare-" } },
      aws_s3_bucket_server_side_encryption_configuration: {
        data: sse("data", "${aws_kms_alias.alias.arn}"),
        foreign: sse("foreign", "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
      },
      aws_s3_bucket_public_access_block: { data: pab("data"), foreign: pab("foreign") },
      aws_s3_bucket_policy: {
        data: { bucket: "${aws_s3_bucket.data.id}", policy: tlsPolicy("data") },
        foreign: { bucket: "foreign-bucket", policy: tlsPolicy("foreign") },
      },
      aws_s3_bucket_versioning: { data: { bucket: "${aws_s3_bucket.data.id}", versioning_configuration: { status: "Enabled" } } },
    },
  };
}

/** From the heading to the next heading of the same or a higher level. */
function sectionOf(report: string, heading: string, level = "###"): string {
  const start = report.indexOf(`${level} ${heading}`);
  const end = report.slice(start + 1).search(new RegExp(`\\n#{1,${level.length}} `));
  return report.slice(start, end === -1 ? undefined : start + 1 + end);
}

describe("posture report", () => {
  it("summarizes each stack, sorted by name", () => {
    const report = buildReport({ zeta: { resource: {} }, alpha: sampleStack() });
    expect(report.split("\n").slice(0, 9)).toEqual([
      "# Encryption posture report",
      "",
      "Checked from the synthesized stacks (`cdktf.out`). Rule ids and how to suppress a finding: `docs/posture.md`.",
      "",
      "| stack | buckets | keys | errors | warnings | suppressed |",
      "| --- | --- | --- | --- | --- | --- |",
      "| `alpha` | 3 | 1 | 3 | 5 | 0 |",
      "| `zeta` | 0 | 0 | 0 | 0 | 0 |",
      "",
    ]);
    expect(report.indexOf("## Stack `alpha`")).toBeLessThan(report.indexOf("## Stack `zeta`"));
    expect(report).toContain(
      "## Stack `zeta`\n\n### Findings\n\nNo open findings.\n\n### S3 buckets\n\nNo S3 buckets.\n\n### KMS keys\n\nNo KMS keys.\n",
    );
  });

  it("tables the buckets: encryption, key, public access, TLS policy, versioning, logging", () => {
    expect(
      sectionOf(buildReport({ s: sampleStack() }), "S3 buckets")
        .trim()
        .split("\n")
        .slice(2),
    ).toEqual([
      "| bucket | name | encryption | key | public access | TLS-only policy | versioning | logging |",
      "| --- | --- | --- | --- | --- | --- | --- | --- |",
      "| `aws_s3_bucket.bare` | bare-* | none | - | no public access block | no policy | not configured | off |",
      "| `aws_s3_bucket.data` | data-bucket | SSE-KMS, bucket key on | `aws_kms_key.key` | all 4 blocked | enforced | Enabled | off |",
      "| `aws_s3_bucket.foreign` | foreign-bucket | SSE-KMS, bucket key on | `arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab` | all 4 blocked | enforced | not configured | off |",
    ]);
  });

  it("tables the keys: rotation, period, deletion window, administrators, users, grant conditions (cells escaped)", () => {
    const rows = sectionOf(buildReport({ s: sampleStack() }), "KMS keys")
      .trim()
      .split("\n")
      .slice(2);
    expect(rows).toEqual([
      "| key | aliases | rotation | period (days) | deletion window (days) | administrators | users | grant conditions |",
      "| --- | --- | --- | --- | --- | --- | --- | --- |",
      "| `aws_kms_key.key` | `alias/data` | on | 90 | 30 | `arn:aws:iam::111111111111:root` | " +
        "`arn:aws:iam::111111111111:role/a\"b#c<d>'e\\|f]g}${var.x}`<br>`arn:aws:iam::111111111111:root` | " +
        "statement Root: no conditions<br>statement Users: Bool kms:GrantIsForAWSResource=true |",
    ]);
  });

  it("lists open findings with path and fix, and suppressed ones with their reason", () => {
    const json = sampleStack();
    const bare = (json.resource as Record<string, Record<string, Record<string, unknown>>>).aws_s3_bucket.bare;
    bare["//"] = { metadata: { path: "s/Bare" }, posture: { suppressions: [{ rule: "LVE-S3-005", reason: "scratch | space <tmp>" }] } };
    const report = buildReport({ s: json });
    expect(sectionOf(report, "Findings")).toContain(
      "| `LVE-S3-001` | error | `aws_s3_bucket.bare` | `s/Bare` | no default encryption configuration (no aws_s3_bucket_server_side_encryption_configuration for this bucket) | Add an aws_s3_bucket_server_side_encryption_configuration",
    );
    expect(sectionOf(report, "Findings")).not.toContain("LVE-S3-005");
    expect(sectionOf(report, "Suppressed findings")).toContain(
      "| `LVE-S3-005` | error | `aws_s3_bucket.bare` | no bucket policy, so nothing denies requests without TLS | scratch \\| space &lt;tmp&gt; |",
    );
  });

  it("draws principals --> key --> buckets, with generated node ids and escaped labels", () => {
    expect(postureDiagram(analyzeStack("s", sampleStack()))?.split("\n")).toEqual([
      "flowchart LR",
      '  key_1{{"KMS key<br/>aws_kms_key.key<br/>alias/data"}}',
      '  principal_1(["arn:aws:iam::111111111111:role/a#quot;b#35;c#lt;d#gt;#96;e|f]g}${var.x}"])',
      '  principal_2(["arn:aws:iam::111111111111:root"])',
      '  bucket_1[("S3 bucket<br/>bare-*<br/>none")]',
      '  bucket_2[("S3 bucket<br/>data-bucket<br/>SSE-KMS")]',
      '  bucket_3[("S3 bucket<br/>foreign-bucket<br/>SSE-KMS")]',
      '  key_2{{"KMS key outside this stack<br/>arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}',
      '  principal_1 -->|"uses"| key_1',
      '  principal_2 -->|"administers, uses"| key_1',
      '  key_1 -->|"encrypts"| bucket_2',
      '  key_2 -->|"encrypts"| bucket_3',
    ]);
  });

  it("writes diagrams that Mermaid parses, and Mermaid does reject a broken one", () => {
    const diagrams = [sampleStack(), ...Object.values(synthesizedExampleStacks())].map((json) => postureDiagram(analyzeStack("s", json)) as string);
    const broken = `flowchart LR\n  a["${TRICKY}"] --> b`;
    expect(mermaidParse([...diagrams, broken]).map((r) => r.slice(0, 16))).toEqual([...diagrams.map(() => "ok"), "Parse error on l"]);
  });

  it("escapes every character that could end a Mermaid label or start markup", () => {
    expect(mermaidText('a"b#c<d>e`f')).toBe("a#quot;b#35;c#lt;d#gt;e#96;f");
  });

  it("says when no checkov scan has been run", () => {
    expect(sectionOf(buildReport({ s: sampleStack() }), "Independent scan: checkov", "##")).toBe(
      "## Independent scan: checkov\n\nNo checkov scan has been run: `npm run scan` scans the synthesized stacks and the Terraform module and writes `scan-report.json`, which this report reads.\n",
    );
  });

  it("shows the checkov scan beside the findings: per target, failures, skips with reasons, targets changed since", () => {
    const scan = sampleScan();
    const section = sectionOf(
      buildReport({ s: sampleStack() }, { results: scan, changedSinceScan: new Set(["stack s"]) }),
      "Independent scan: checkov",
      "##",
    );
    expect(section.trim().split("\n\n")).toEqual([
      "## Independent scan: checkov",
      "checkov 3.3.30, from `scan-report.json` (details: `scan-report.md`). **The scan failed.**",
      [
        "| target | checks run | passed | failed | skipped | note |",
        "| --- | --- | --- | --- | --- | --- |",
        "| `stack s` | 2 | 7 | 1 | 1 | changed since the scan: run `npm run scan` again |",
        "| `module` | 0 | 0 | 0 | 0 | checkov checked nothing |",
      ].join("\n"),
      "### Failed checks",
      [
        "| target | check | resource | file | what checkov wants |",
        "| --- | --- | --- | --- | --- |",
        "| `stack s` | `CKV_AWS_18` | `aws_s3_bucket.data` | `cdktf.out/stacks/s/cdk.tf.json` | Ensure the S3 bucket has access logging enabled |",
      ].join("\n"),
      "### Skipped checks (deliberate design differences, `docs/posture.md`)",
      ["| check | resources | skipped by | reason |", "| --- | --- | --- | --- |", "| `CKV_AWS_21` | 1 | skip table | logs \\| expire |"].join("\n"),
    ]);
  });

  it("ends with every rule and the Security Hub controls and checkov checks that check the same", () => {
    const report = buildReport({ s: sampleStack() });
    const map = sectionOf(report, "Rules, and the Security Hub controls and checkov checks that check the same", "##").trim().split("\n");
    expect(map.slice(2, 4)).toEqual(["| rule | severity | what it wants | Security Hub | checkov |", "| --- | --- | --- | --- | --- |"]);
    expect(map.slice(4).map((row) => row.split(" | ")[0])).toEqual(RULE_IDS.map((id) => `| \`${id}\``));
    expect(map).toContain("| `LVE-S3-007` | warning | Data bucket has server access logging | `S3.9` | `CKV_AWS_18` |");
  });

  it("reports the example app's stacks without an open finding, deterministically", () => {
    const stacks = synthesizedExampleStacks();
    const report = buildReport(stacks);
    expect(Object.keys(stacks).length).toBeGreaterThanOrEqual(1);
    for (const name of Object.keys(stacks)) expect(report).toContain(`## Stack \`${name}\`\n\n### Findings\n\nNo open findings.`);
    expect(buildReport(synthesizedExampleStacks())).toBe(report);
  });
});

/** main.ts's stacks as `cdktf synth` writes them (with `//` metadata). */
function synthesizedExampleStacks(): Record<string, TerraformJson> {
  const app = buildApp(Testing.app());
  const stacks = app.node.children.filter((c): c is import("cdktf").TerraformStack => "toTerraform" in c);
  return Object.fromEntries(stacks.map((stack) => [stack.node.id, stack.toTerraform() as TerraformJson]));
}
