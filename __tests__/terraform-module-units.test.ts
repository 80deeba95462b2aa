import { TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { parse } from "@cdktf/hcl2json";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { ADDRESS_TABLE, AddressRow, instanceAddress, metaArgument, referenceFrom } from "../tools/terraform-module/address-table";
import { attribute, block, comment, renderBlock, renderFile, separated } from "../tools/terraform-module/hcl-block";
import { call, conditional, expr, hclString, renderExpression } from "../tools/terraform-module/hcl-expression";
import { moduleResources } from "../tools/terraform-module/module-resources";
import { listPlaceholder, policyExpression } from "../tools/terraform-module/policy-expression";
import { eachRule, valueRule } from "../tools/terraform-module/validation-rules";
import { policyDocument } from "../modules/policies/policy-document";
import { ALLOWED } from "../modules/private/messages";
import { DELETION_WINDOW_DAYS, checkIntegerInRange } from "../modules/validation";

type Parsed = Record<string, unknown>;

describe("HCL expressions", () => {
  it("escape quotes and backslashes in literal text but keep interpolations as written, so a JSON policy parses back unchanged", async () => {
    const policy = '{"Resource":"${aws_s3_bucket.b.arn}/*","Cond":"${element(split(":", var.role), 4)}","Re":"a\\\\d"}';
    const parsed = (await parse("t.tf", `x = ${renderExpression(policy)}\n`)) as { x: string };
    expect(parsed.x).toBe(policy);
  });

  it("write a lone interpolation as its bare expression, as tofu fmt unwraps it", () => {
    expect(renderExpression("${var.tags}")).toBe("var.tags");
  });

  it("take ${ literally in plain strings", async () => {
    const parsed = (await parse("t.tf", `x = ${hclString("cost ${5}")}\n`)) as { x: string };
    expect(parsed.x).toBe("cost $${5}");
  });

  it("keep short lists and one-entry objects on one line, and put anything longer one element a line", () => {
    expect(renderExpression(["a", "b"])).toBe('["a", "b"]');
    expect(renderExpression({ AWS: expr("var.x") })).toBe("{ AWS = var.x }");
    expect(renderExpression({ a: 1, bb: 2 })).toBe("{\n  a  = 1\n  bb = 2\n}");
    const long = Array.from({ length: 8 }, (_, i) => `kms:SomeLongActionName${i}`);
    expect(renderExpression(long, 1)).toBe(`[\n${long.map((a) => `    "${a}",`).join("\n")}\n  ]`);
  });

  it("write function calls on one line when short, else one argument a line with a trailing comma", () => {
    expect(renderExpression(call("concat", expr("a"), expr("b")))).toBe("concat(a, b)");
    expect(renderExpression(call("concat", { a: 1, b: 2 }, expr("c")))).toBe("concat(\n  {\n    a = 1\n    b = 2\n  },\n  c,\n)");
    expect(renderExpression(conditional("var.on", [{ a: 1, b: 2 }], []))).toBe("var.on ? [\n  {\n    a = 1\n    b = 2\n  },\n] : []");
  });
});

describe("HCL blocks", () => {
  it("align = across each run of one-line attributes, as tofu fmt does, and break the run at a multi-line value", () => {
    const text = renderBlock(
      block(
        "resource",
        ["aws_x", "this"],
        [attribute("count", 1), attribute("long_name", "a"), attribute("tags", { a: 1, b: 2 }), attribute("id", "b")],
      ),
    );
    expect(text).toBe(
      ['resource "aws_x" "this" {', "  count     = 1", '  long_name = "a"', "  tags = {", "    a = 1", "    b = 2", "  }", '  id = "b"', "}"].join(
        "\n",
      ),
    );
  });

  it("separate groups by one blank line and write nested blocks and empty blocks", () => {
    const text = renderBlock(
      block("resource", ["aws_x", "this"], separated([[attribute("a", 1)], [], [block("lifecycle", [], [attribute("prevent_destroy", true)])]])),
    );
    expect(text).toBe('resource "aws_x" "this" {\n  a = 1\n\n  lifecycle {\n    prevent_destroy = true\n  }\n}');
    expect(renderBlock(block("data", ["aws_partition", "current"], []))).toBe('data "aws_partition" "current" {}');
  });

  it("write comment lines above a block (for a reader, or a scanner directive such as checkov:skip) and inside a body", async () => {
    const skip = "checkov:skip=CKV_AWS_145:the log bucket is SSE-S3: S3 cannot deliver access logs to an SSE-KMS bucket";
    const text = renderFile([block("resource", ["aws_s3_bucket", "logs"], [comment("why"), attribute("bucket", "logs")], [skip])]);
    expect(text.split("\n").slice(0, 3)).toEqual([`# ${skip}`, 'resource "aws_s3_bucket" "logs" {', "  # why"]);
    const parsed = (await parse("t.tf", text)) as { resource: Record<string, Record<string, Parsed[]>> };
    expect(parsed.resource.aws_s3_bucket.logs[0].bucket).toBe("logs");
  });
});

describe("policy expressions", () => {
  const doc = policyDocument([
    { Sid: "Always", Effect: "Allow", Action: ["s3:GetObject"], Resource: listPlaceholder("arn").map((a) => `${a}/*`) },
    { Sid: "Sometimes", Effect: "Allow", Principal: { AWS: listPlaceholder("user") }, Action: ["kms:DescribeKey"], Resource: "*" },
  ]);

  it("write a placeholder list as its Terraform list, and an element built from it as a for expression", () => {
    const text = renderExpression(policyExpression(doc, { lists: { arn: "local.arns", user: "var.users" } }));
    expect(text).toContain('Resource = [for arn in local.arns : "${arn}/*"]');
    expect(text).toContain("Principal = { AWS = var.users }");
    expect(text).toMatch(/^jsonencode\(\{\n {2}Version = "2012-10-17"\n {2}Statement = \[/);
  });

  it("keep a conditional statement behind its Terraform condition, one statement a conditional", () => {
    const text = renderExpression(
      policyExpression(doc, { lists: { arn: "local.arns", user: "var.users" }, conditions: { Sometimes: "length(var.users) > 0" } }),
    );
    expect(text).toContain("Statement = concat(\n    [\n      {\n        Sid");
    expect(text).toContain('    length(var.users) > 0 ? [\n      {\n        Sid       = "Sometimes"');
  });

  it("refuse a condition for a statement the policy does not have, and a placeholder outside a list", () => {
    expect(() => policyExpression(doc, { lists: { arn: "a", user: "u" }, conditions: { Missing: "x" } })).toThrow(
      "conditions for statements the policy does not have: Missing",
    );
    const stray = policyDocument([{ Sid: "S", Effect: "Allow", Action: ["s3:GetObject"], Resource: "${arn}" }]);
    expect(() => policyExpression(stray, { lists: { arn: "a" } })).toThrow("list placeholder arn used outside a list");
  });
});

describe("address table", () => {
  const row = (construct: string): AddressRow => ADDRESS_TABLE.find((r) => r.construct === construct && !r.source)!;

  it("gives count to switched resources and for_each to repeated ones, filtered by their switches", () => {
    expect(metaArgument(row("ConsoleBucket/Logging"))).toEqual({
      name: "count",
      expression: "var.console_bucket.create && var.access_logs.enabled ? 1 : 0",
    });
    expect(metaArgument(row("OutputBucket-<id>/Bucket"))).toEqual({ name: "for_each", expression: "var.output_buckets" });
    expect(metaArgument(row("OutputBucket-<id>/Logging"))).toEqual({
      name: "for_each",
      expression: "var.access_logs.enabled ? var.output_buckets : {}",
    });
    expect(instanceAddress("aws_s3_bucket", row("OutputBucket-<id>/Bucket"))).toBe('aws_s3_bucket.output["<id>"]');
    expect(instanceAddress("aws_kms_key", row("Key/Key"))).toBe("aws_kms_key.this[0]");
  });

  it("lets a resource index another only where that one surely exists", () => {
    expect(referenceFrom(row("OutputBucket-<id>/Logging"), row("AccessLogs/Bucket"), "aws_s3_bucket")).toBe("aws_s3_bucket.access_logs[0]");
    expect(referenceFrom(row("OutputBucket-<id>/Policy"), row("OutputBucket-<id>/Bucket"), "aws_s3_bucket")).toBe("aws_s3_bucket.output[each.key]");
    expect(referenceFrom(row("UserPolicy"), row("ConsoleBucket/Bucket"), "aws_s3_bucket")).toBeUndefined();
    expect(referenceFrom(row("ConsoleBucket/Bucket"), row("OutputBucket-<id>/Bucket"), "aws_s3_bucket")).toBeUndefined();
  });

  it("holds no cdktf logical ID: names are words", () => {
    for (const r of ADDRESS_TABLE) expect(r.name).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });
});

describe("module resources from a source stack", () => {
  it("fails the build when a resource of the stack has no row in the address table", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "source");
    new S3Bucket(stack, "Stray", {});
    expect(() => moduleResources(stack, {})).toThrow("Stray (aws_s3_bucket) has no row in the address table");
  });

  it("fails the build when a resource refers to one that may not exist there", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "source");
    // A stand-in resource at every row's path; then the user policy's points at the console bucket.
    for (const r of ADDRESS_TABLE) {
      const parts = (r.source ?? r.construct).split("/");
      const parent = parts
        .slice(0, -1)
        .reduce<Construct>((scope, part) => (scope.node.tryFindChild(part) as Construct) ?? new Construct(scope, part), stack);
      new S3BucketVersioningA(parent, parts[parts.length - 1], { bucket: "b", versioningConfiguration: { status: "Enabled" } });
    }
    const consoleBucket = stack.node.findChild("ConsoleBucket").node.findChild("Bucket") as S3BucketVersioningA;
    (stack.node.findChild("UserPolicy") as S3BucketVersioningA).bucket = consoleBucket.id;
    expect(() => moduleResources(stack, {})).toThrow("aws_s3_bucket_versioning.users refers to ConsoleBucket/Bucket, which may not exist there");
  });
});

describe("the words of the checks", () => {
  it("come from one catalog: the TypeScript check and the module's validation say the same", () => {
    const words = ALLOWED.wholeNumber(DELETION_WINDOW_DAYS);
    expect(words).toBe("a whole number from 7 to 30");
    expect(() => checkIntegerInRange("LookoutVisionKey", "deletionWindowInDays", 3, DELETION_WINDOW_DAYS)).toThrow(
      `LookoutVisionKey: deletionWindowInDays must be ${words}, got 3`,
    );
    const rule = valueRule({
      id: "d",
      path: "key.deletion_window_in_days",
      expression: "var.key.deletion_window_in_days",
      condition: "true",
      allowed: words,
      bad: {},
      shown: 3,
    });
    expect(rule.message).toBe(`key.deletion_window_in_days must be ${words}, got \${jsonencode(var.key.deletion_window_in_days)}.`);
    expect(rule.expectedMessage).toBe(`key.deletion_window_in_days must be ${words}, got 3.`);
  });

  it("name the module's variables where they name another prop", () => {
    expect(ALLOWED.unsetWithReplica("key.replica_of")).toBe("unset with key.replica_of (the primary key owns it)");
    expect(ALLOWED.unsetWithReplica("replicaOf")).toBe("unset with replicaOf (the primary key owns it)");
    const rule = eachRule({
      id: "e",
      over: "for i, x in var.xs",
      path: "xs",
      item: "x",
      condition: () => "true",
      allowed: "a word",
      bad: {},
      expected: [{ path: "xs[1]", shown: "a b" }],
    });
    expect(rule.expectedMessage).toBe('xs[1] must be a word, got "a b".');
  });
});
