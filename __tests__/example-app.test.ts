import { AnnotationMetadataEntryType, App, Testing } from "cdktf";
import { STACKS } from "../main";
import { PolicyDocument } from "../modules/policies/policy-document";
import { parsePolicy, resourcesOf, SynthJson } from "./helpers";

type Stacks = Record<string, { text: string; json: SynthJson; annotations: string[] }>;

function synthExampleApp(): Stacks {
  const app: App = Testing.app();
  return Object.fromEntries(
    Object.entries(STACKS).map(([name, Stack]) => {
      const stack = new Stack(app, name);
      const text = Testing.synth(stack);
      const annotations = stack.node
        .findAll()
        .flatMap((c) =>
          c.node.metadata
            .filter((m) => m.type === AnnotationMetadataEntryType.ERROR || m.type === AnnotationMetadataEntryType.WARN)
            .map((m) => `${m.type} ${m.data}`),
        );
      return [name, { text, json: JSON.parse(text) as SynthJson, annotations }];
    }),
  );
}

const stacks = synthExampleApp();
const names = Object.keys(stacks);

/** `${aws_kms_key.X.arn}` / `${aws_kms_replica_key.X.arn}` of every key in the stack, or the BYO ARN. */
function keyArnsOf(json: SynthJson): string[] {
  return ["aws_kms_key", "aws_kms_replica_key"].flatMap((type) => Object.keys(resourcesOf(json, type)).map((n) => `\${${type}.${n}.arn}`));
}

function byBucket(json: SynthJson, type: string): Map<unknown, Record<string, unknown>> {
  return new Map(Object.values(resourcesOf(json, type)).map((r) => [r.bucket, r]));
}

describe("example app (main.ts)", () => {
  it("has the three documented stacks", () => {
    expect(names).toEqual(["lookout-vision-single-account", "lookout-vision-bring-your-own-key", "lookout-vision-multi-region"]);
  });

  it.each(names)("%s: every bucket is encrypted with a key of the stack, blocks public access and has a TLS policy", (name) => {
    const { json } = stacks[name];
    const keys = name.includes("bring-your-own") ? ["arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab"] : keyArnsOf(json);
    const sse = byBucket(json, "aws_s3_bucket_server_side_encryption_configuration");
    const pab = byBucket(json, "aws_s3_bucket_public_access_block");
    const policies = byBucket(json, "aws_s3_bucket_policy");
    const buckets = Object.keys(resourcesOf(json, "aws_s3_bucket"));
    expect(buckets.length).toBeGreaterThan(0);
    for (const bucket of buckets) {
      const id = `\${aws_s3_bucket.${bucket}.id}`;
      const rule = (
        sse.get(id)?.rule as Array<{ apply_server_side_encryption_by_default: { sse_algorithm: string; kms_master_key_id?: string } }>
      )[0];
      const isLogBucket = bucket.includes("AccessLogs");
      if (isLogBucket) {
        expect(rule.apply_server_side_encryption_by_default).toEqual({ sse_algorithm: "AES256" });
      } else {
        expect(rule.apply_server_side_encryption_by_default.sse_algorithm).toBe("aws:kms");
        expect(keys).toContain(rule.apply_server_side_encryption_by_default.kms_master_key_id);
      }
      expect(pab.get(id)).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      const policy: PolicyDocument = parsePolicy(policies.get(id)?.policy);
      expect(policy.Statement.find((s) => s.Sid === "DenyInsecureTransport")?.Condition).toEqual({ Bool: { "aws:SecureTransport": "false" } });
    }
  });

  it.each(names)("%s: keys and data buckets are protected from destruction", (name) => {
    const { json } = stacks[name];
    for (const type of ["aws_kms_key", "aws_kms_replica_key", "aws_s3_bucket"]) {
      for (const resource of Object.values(resourcesOf(json, type))) {
        expect(resource.lifecycle).toEqual({ prevent_destroy: true });
        if (type === "aws_s3_bucket") expect(resource.force_destroy).toBe(false);
      }
    }
  });

  it("multi-region stack: a replica of the multi-region primary, each region with its own console bucket", () => {
    const { json } = stacks["lookout-vision-multi-region"];
    const [primaryName, primary] = Object.entries(resourcesOf(json, "aws_kms_key"))[0];
    expect(primary).toMatchObject({ multi_region: true, region: "us-east-1" });
    expect(Object.values(resourcesOf(json, "aws_kms_replica_key"))[0]).toMatchObject({
      primary_key_arn: `\${aws_kms_key.${primaryName}.arn}`,
      region: "eu-west-1",
    });
    const consoleBuckets = Object.values(resourcesOf(json, "aws_s3_bucket"))
      .map((b) => b.bucket)
      .filter((b) => String(b).startsWith("lookoutvision-"));
    expect(consoleBuckets.sort()).toEqual(["lookoutvision-eu-west-1-444444444444", "lookoutvision-us-east-1-444444444444"]);
  });

  it("bring-your-own-key stack: creates no key and tells the key owner what to add", () => {
    const { json } = stacks["lookout-vision-bring-your-own-key"];
    expect(keyArnsOf(json)).toEqual([]);
    expect(Object.keys(json.output as object)).toContain("key_policy_statements_for_key_owner");
  });

  it.each(names)("%s: has the outputs users need", (name) => {
    const outputs = Object.keys(stacks[name].json.output as object).map((o) => o.replace(/^(primary|replica)_/, ""));
    expect(outputs).toEqual(
      expect.arrayContaining([
        "key_arn",
        "console_bucket_name",
        "console_bucket_arn",
        "output_bucket_names",
        "output_bucket_arns",
        "output_configs",
        "user_policy_arn",
      ]),
    );
  });

  /** Renaming a construct ID changes a logical ID, which makes Terraform destroy and recreate the resource. */
  it.each(names)("%s: resource addresses are stable", (name) => {
    const { json } = stacks[name];
    const addresses = Object.entries(json.resource ?? {}).flatMap(([type, resources]) => Object.keys(resources).map((n) => `${type}.${n}`));
    expect(addresses.sort()).toMatchSnapshot();
  });

  it.each(names)("%s: passes the encryption posture check with no error or warning", (name) => {
    expect(stacks[name].annotations).toEqual([]);
  });

  it("synthesizes byte-identical JSON twice", () => {
    const again = synthExampleApp();
    for (const name of names) expect(again[name].text).toBe(stacks[name].text);
  });
});
