import { TerraformVariable, VariableType } from "cdktf";
import { parse } from "@cdktf/hcl2json";
import { applyConditions } from "../modules/terraform-module/conditional-resources";
import { hclString, renderExpression } from "../modules/terraform-module/hcl-expression";
import { ModuleElement } from "../modules/terraform-module/module-elements";
import { LookoutVisionKey } from "../modules/lookout-vision-key";
import { EncryptedBucket } from "../modules/encrypted-bucket";
import { onlyResource, synth } from "./helpers";

const resource = (type: string, name: string, body: Record<string, unknown>): ModuleElement => ({ kind: "resource", type, name, body });

describe("HCL expressions", () => {
  it("escape quotes and backslashes in literal text but keep interpolations as written, so a JSON policy parses back unchanged", async () => {
    const policy = '{"Resource":"${aws_s3_bucket.b.arn}/*","Cond":"${element(split(":", var.role), 4)}","Re":"a\\\\d"}';
    const parsed = (await parse("t.tf", `x = ${renderExpression(policy)}\n`)) as { x: string };
    expect(parsed.x).toBe(policy);
  });

  it("write a lone interpolation as its bare expression", () => {
    expect(renderExpression("${var.tags}")).toBe("var.tags");
  });

  it("take ${ literally in plain strings", async () => {
    const parsed = (await parse("t.tf", `x = ${hclString("cost ${5}")}\n`)) as { x: string };
    expect(parsed.x).toBe("cost $${5}");
  });
});

describe("conditional resources", () => {
  const key = resource("aws_kms_key", "k", { policy: { value: "{}" } });
  const alias = resource("aws_kms_alias", "a", { target_key_id: { value: "${aws_kms_key.k.key_id}" } });
  const bucketEncryption = resource("aws_x", "e", { kms: { value: "${aws_kms_key.k.arn}" } });
  const group = { condition: "var.create", addresses: ["aws_kms_key.k", "aws_kms_alias.a"], substitutes: { "aws_kms_key.k.arn": "local.key_arn" } };

  it("get count, and index references to each other", () => {
    const [k, a] = applyConditions([key, alias], [group]);
    expect(k.body.count).toBe("${var.create ? 1 : 0}");
    expect(a.body.target_key_id).toEqual({ value: "${aws_kms_key.k[0].key_id}" });
  });

  it("are referred to through their substitute from outside the group", () => {
    const [, e] = applyConditions([key, bucketEncryption], [group]);
    expect(e.body).toEqual({ kms: { value: "${local.key_arn}" } });
  });

  it("make the build fail when referred to from outside without a substitute", () => {
    const outside = resource("aws_y", "o", { id: { value: "${aws_kms_key.k.key_id}" } });
    expect(() => applyConditions([key, outside], [group])).toThrow("aws_y.o refers to aws_kms_key.k.key_id, which may not exist there");
  });

  it("combine the conditions of every group a resource is in", () => {
    const [, l] = applyConditions([key, resource("aws_l", "l", {})], [group, { condition: "var.logs", addresses: ["aws_l.l"] }, { condition: "var.x", addresses: ["aws_l.l"] }]);
    expect(l.body.count).toBe("${(var.logs) && (var.x) ? 1 : 0}");
  });
});

describe("constructs with Terraform variables as props", () => {
  it("LookoutVisionKey: a list variable of key users makes the key policy a jsonencode expression with the caller accounts computed", () => {
    const { json } = synth((scope) => {
      const users = new TerraformVariable(scope, "users", { type: VariableType.LIST_STRING });
      new LookoutVisionKey(scope, "Key", { region: "us-east-1", accountId: "111111111111", partition: "aws", keyUserArns: users.listValue });
    });
    const policy = String(onlyResource(json, "aws_kms_key").policy);
    expect(policy).toMatch(/^\$\{jsonencode\(/);
    expect(policy).toContain('"AWS" = var.users');
    expect(policy).toContain('"kms:CallerAccount" = distinct(concat(["111111111111"], [ for key, val in toset(var.users): element(split(":", val), 4)]))');
  });

  it("LookoutVisionKey: addKeyUser refuses a key whose users are a list variable", () => {
    expect(() =>
      synth((scope) => {
        const users = new TerraformVariable(scope, "users", { type: VariableType.LIST_STRING });
        new LookoutVisionKey(scope, "Key", { keyUserArns: users.listValue }).addKeyUser("arn:aws:iam::111111111111:role/R");
      }),
    ).toThrow("LookoutVisionKey: addKeyUser(principalArn) must be used only when the principal list is literal");
  });

  it("EncryptedBucket: a versioning variable becomes a conditional status", () => {
    const { json } = synth((scope) => {
      const versioned = new TerraformVariable(scope, "versioned", { type: VariableType.BOOL });
      new EncryptedBucket(scope, "B", { encryptionKey: "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab", versioned: versioned.booleanValue });
    });
    expect(onlyResource(json, "aws_s3_bucket_versioning").versioning_configuration).toEqual({ status: '${var.versioned ? "Enabled" : "Suspended"}' });
  });
});
