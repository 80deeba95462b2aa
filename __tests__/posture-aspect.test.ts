import { readFileSync } from "fs";
import { join } from "path";
import { App, Aspects, TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { EncryptedBucket } from "../modules/encrypted-bucket";
import { LookoutVisionKey } from "../modules/lookout-vision-key";
import { EncryptionPosture } from "../modules/posture/encryption-posture";
import { handWrittenBucket, handWrittenKey } from "./posture-fixtures";

const CONTINUE = "CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS";

function awsStack(app: App, id: string): TerraformStack {
  const stack = new TerraformStack(app, id);
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  return stack;
}

/** An app with one checked stack; `build` adds resources to it. */
function checkedApp(build: (stack: TerraformStack) => void): { app: App; stack: TerraformStack } {
  const app = Testing.app();
  const stack = awsStack(app, "checked");
  build(stack);
  Aspects.of(stack).add(new EncryptionPosture());
  return { app, stack };
}

/** Annotations as `level path message`, after the aspects ran. */
function annotations(stack: TerraformStack): string[] {
  Testing.synth(stack);
  return stack.node
    .findAll()
    .flatMap((c) =>
      c.node.metadata.filter((m) => m.type.startsWith("@cdktf/")).map((m) => `${m.type.replace("@cdktf/", "")} ${c.node.path} ${m.data}`),
    );
}

/** A hand-written key and bucket; the bucket has no public access block (LVE-S3-004, an error). */
function withoutPublicAccessBlock(scope: Construct): void {
  const parts = handWrittenBucket(scope, "Data", handWrittenKey(scope));
  scope.node.tryRemoveChild(parts.publicAccessBlock.node.id);
}

describe("EncryptionPosture aspect", () => {
  let savedContinue: string | undefined;
  beforeEach(() => {
    savedContinue = process.env[CONTINUE];
    delete process.env[CONTINUE];
  });
  afterEach(() => {
    if (savedContinue === undefined) delete process.env[CONTINUE];
    else process.env[CONTINUE] = savedContinue;
  });

  it("puts an error annotation with rule, resource, problem and fix on the offending resource", () => {
    const { stack } = checkedApp(withoutPublicAccessBlock);
    expect(annotations(stack)).toEqual([
      "error checked/Data [LVE-S3-004] aws_s3_bucket.Data: no aws_s3_bucket_public_access_block for this bucket. " +
        "Fix: Add an aws_s3_bucket_public_access_block with block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets all true. " +
        'If it is intended: EncryptionPosture.suppress(construct, "LVE-S3-004", "<reason>").',
    ]);
  });

  it("fails app.synth() on an error", () => {
    const { app } = checkedApp(withoutPublicAccessBlock);
    expect(() => app.synth()).toThrow(/\[checked\/Data\] \[LVE-S3-004\] aws_s3_bucket\.Data: no aws_s3_bucket_public_access_block/);
  });

  it("records the error in the manifest that `cdktf synth` reads, which makes the CLI exit non-zero", () => {
    // The CLI runs the app with this variable set, then fails on any ERROR annotation in the manifest.
    process.env[CONTINUE] = "true";
    const { app } = checkedApp(withoutPublicAccessBlock);
    app.synth();
    const manifest = JSON.parse(readFileSync(join(app.outdir, "manifest.json"), "utf8"));
    expect(manifest.stacks.checked.annotations.map((a: { level: string; constructPath: string }) => [a.level, a.constructPath])).toEqual([
      ["@cdktf/error", "checked/Data"],
    ]);
  });

  it("does not fail synth on warnings", () => {
    const { app, stack } = checkedApp((scope) => {
      handWrittenBucket(scope, "Data", handWrittenKey(scope)).bucket.forceDestroy = true;
    });
    expect(() => app.synth()).not.toThrow();
    expect(annotations(stack)).toEqual([
      expect.stringMatching(/^warn checked\/Data \[LVE-S3-006\] aws_s3_bucket\.Data: force_destroy = true on a data bucket\. Fix: /),
    ]);
  });

  it("does not fail synth on a suppressed error, and records the reason in the synthesized resource", () => {
    const { app, stack } = checkedApp((scope) => {
      withoutPublicAccessBlock(scope);
      EncryptionPosture.suppress(scope.node.findChild("Data"), "LVE-S3-004", "blocked at account level by aws_s3_account_public_access_block");
    });
    expect(() => app.synth()).not.toThrow();
    expect(annotations(stack)).toEqual([
      "info checked/Data [LVE-S3-004] suppressed on aws_s3_bucket.Data: no aws_s3_bucket_public_access_block for this bucket. Reason: blocked at account level by aws_s3_account_public_access_block",
    ]);
    const synthesized = JSON.parse(readFileSync(join(app.outdir, "stacks/checked/cdk.tf.json"), "utf8"));
    expect(synthesized.resource.aws_s3_bucket.Data["//"].posture).toEqual({
      suppressions: [{ rule: "LVE-S3-004", reason: "blocked at account level by aws_s3_account_public_access_block" }],
    });
  });

  it("applies a suppression on a construct to the resources under it", () => {
    const { app } = checkedApp((scope) => {
      const group = new Construct(scope, "Group");
      withoutPublicAccessBlock(group);
      EncryptionPosture.suppress(group, "LVE-S3-004", "reviewed");
    });
    expect(() => app.synth()).not.toThrow();
  });

  it("suppresses only the rule named", () => {
    const { app } = checkedApp((scope) => {
      withoutPublicAccessBlock(scope);
      EncryptionPosture.suppress(scope, "LVE-S3-005", "reviewed");
    });
    expect(() => app.synth()).toThrow(/LVE-S3-004/);
  });

  it("refuses unknown rule ids and empty reasons", () => {
    const scope = new TerraformStack(Testing.app(), "s");
    expect(() => EncryptionPosture.suppress(scope, "LVE-S3-999", "x")).toThrow(
      /EncryptionPosture\.suppress: rule must be one of LVE-KMS-001, .*LVE-S3-008, got "LVE-S3-999"/,
    );
    expect(() => EncryptionPosture.suppress(scope, "LVE-S3-001", " ")).toThrow(
      /EncryptionPosture\.suppress: reason must be a non-empty sentence saying why LVE-S3-001 is acceptable here, got " "/,
    );
  });

  it("checks each stack it is added to (cdktf 0.21 runs no aspect added to the App)", () => {
    const app = Testing.app();
    const posture = new EncryptionPosture();
    const stacks = [awsStack(app, "one"), awsStack(app, "two")];
    handWrittenBucket(stacks[0], "Other", handWrittenKey(stacks[0]));
    withoutPublicAccessBlock(stacks[1]);
    stacks.forEach((stack) => Aspects.of(stack).add(posture));
    expect(() => app.synth()).toThrow(/\[two\/Data\] \[LVE-S3-004\]/);
  });

  it("passes our own constructs without a finding", () => {
    const { stack } = checkedApp((scope) => {
      const env = { region: "us-east-1", accountId: "111111111111", partition: "aws" };
      const key = new LookoutVisionKey(scope, "Key", {
        ...env,
        administratorArns: ["arn:aws:iam::111111111111:role/Admin"],
        keyUserArns: ["arn:aws:iam::111111111111:role/User"],
      });
      new EncryptedBucket(scope, "Bucket", { ...env, encryptionKey: key, bucketName: "posture-bucket", accessLogs: true });
    });
    expect(annotations(stack)).toEqual([]);
  });
});
