import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from "fs";
import { homedir, tmpdir } from "os";
import { join, relative } from "path";
import { App } from "cdktf";
import { stateBackendSettings } from "../main";
import { checkout, ROOT, runApp } from "./example-app-checkout";

// The example app is synthesized in two checkouts in different folders: every file cdktf writes
// must be byte-identical, and none may name a folder of the machine (cdktf's default local
// backend writes the absolute path of the project into every cdk.tf.json).

/** Runs the app as `cdktf synth` does; returns every file written, by relative path. */
function synthIn(dir: string, env: Record<string, string> = {}): Map<string, string> {
  runApp(dir, env);
  const files = new Map<string, string>();
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      const file = join(folder, name);
      if (statSync(file).isDirectory()) walk(file);
      else files.set(relative(dir, file), readFileSync(file, "utf8"));
    }
  };
  walk(join(dir, "cdktf.out"));
  return files;
}

const parent = mkdtempSync(join(tmpdir(), "determinism-"));
const first = checkout(join(parent, "a"));
const second = checkout(join(parent, "elsewhere", "deeper", "second-checkout"));
const firstFiles = synthIn(first);
const secondFiles = synthIn(second);

afterAll(() => rmSync(parent, { recursive: true, force: true }));

function backendOf(files: Map<string, string>, stack: string): unknown {
  return (JSON.parse(files.get(join("cdktf.out", "stacks", stack, "cdk.tf.json")) ?? "{}") as { terraform?: { backend?: unknown } }).terraform
    ?.backend;
}

describe("the example app synthesized in two folders", () => {
  it("writes the same files, byte for byte", () => {
    expect(firstFiles.size).toBeGreaterThan(3);
    expect([...secondFiles.keys()]).toEqual([...firstFiles.keys()]);
    for (const [file, text] of firstFiles) expect(`${file}:\n${secondFiles.get(file)}`).toBe(`${file}:\n${text}`);
  });

  it("names no folder of the machine in any file", () => {
    const machinePaths = [first, second, realpathSync(first), realpathSync(second), ROOT, realpathSync(tmpdir()), tmpdir(), homedir()];
    for (const [file, text] of [...firstFiles, ...secondFiles]) {
      for (const machinePath of machinePaths)
        expect(`${file} contains ${machinePath}: ${text.includes(machinePath)}`).toBe(`${file} contains ${machinePath}: false`);
    }
  });

  it("keeps local state next to the project, by a path relative to the stack's folder", () => {
    expect(backendOf(firstFiles, "lookout-vision-single-account")).toEqual({
      local: { path: "../../../terraform.lookout-vision-single-account.tfstate" },
    });
  });
});

describe("the example app's S3 state backend", () => {
  const kmsKeyArn = "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";

  it("comes from environment variables: one key per stack under the prefix, native locking, encrypted", () => {
    const files = synthIn(first, {
      STATE_BUCKET: "example-terraform-state",
      STATE_KEY_PREFIX: "vision/prod",
      STATE_REGION: "eu-west-1",
      STATE_KMS_KEY_ID: kmsKeyArn,
    });
    expect(backendOf(files, "lookout-vision-multi-region")).toEqual({
      s3: {
        bucket: "example-terraform-state",
        key: "vision/prod/lookout-vision-multi-region.tfstate",
        region: "eu-west-1",
        encrypt: true,
        kms_key_id: kmsKeyArn,
        use_lockfile: true,
      },
    });
    expect(backendOf(files, "lookout-vision-single-account")).toMatchObject({ s3: { key: "vision/prod/lookout-vision-single-account.tfstate" } });
  });

  it("comes from cdktf context, which wins over the environment; the key prefix has a default; empty values are unset", () => {
    const app = new App({ context: { stateBucket: "context-state", stateRegion: "us-east-1" } });
    expect(stateBackendSettings(app, { STATE_BUCKET: "environment-state", STATE_REGION: "eu-west-1", STATE_KMS_KEY_ID: "" })).toEqual({
      bucket: "context-state",
      region: "us-east-1",
      keyPrefix: "lookout-vision-encryption",
    });
    expect(stateBackendSettings(new App(), { STATE_BUCKET: "", STATE_REGION: "" })).toBeUndefined();
  });

  it.each<[string, Record<string, string>, string]>([
    [
      "a region without a bucket",
      { STATE_REGION: "eu-west-1" },
      "example app: stateBucket (context) or STATE_BUCKET must be set when stateRegion (context) or STATE_REGION is set (the S3 state backend needs its bucket), got undefined",
    ],
    [
      "a bucket without a region",
      { STATE_BUCKET: "example-terraform-state" },
      "example app: stateRegion (context) or STATE_REGION must be set with the state bucket (the region of the bucket), got undefined",
    ],
    [
      "a bad bucket name",
      { STATE_BUCKET: "Example_State", STATE_REGION: "eu-west-1" },
      "example app: stateBucket (context) or STATE_BUCKET must be a valid S3 bucket name (only lowercase letters, digits, '.' and '-'), got \"Example_State\"",
    ],
    [
      "a bad region",
      { STATE_BUCKET: "example-terraform-state", STATE_REGION: "europe" },
      'example app: stateRegion (context) or STATE_REGION must be an AWS region name like "us-east-1", got "europe"',
    ],
    [
      "a key prefix with a trailing slash",
      { STATE_BUCKET: "example-terraform-state", STATE_REGION: "eu-west-1", STATE_KEY_PREFIX: "vision/" },
      "example app: stateKeyPrefix (context) or STATE_KEY_PREFIX must be S3 key segments separated by single '/', no leading or trailing '/', no whitespace, got \"vision/\"",
    ],
    [
      "a key alias instead of a key ARN",
      { STATE_BUCKET: "example-terraform-state", STATE_REGION: "eu-west-1", STATE_KMS_KEY_ID: "alias/state" },
      "example app: stateKmsKeyId (context) or STATE_KMS_KEY_ID must be a KMS key ARN",
    ],
  ])("refuses %s", (_, env, message) => {
    expect(() => stateBackendSettings(new App(), env)).toThrow(message);
  });

  it("refuses a context value that is not a string", () => {
    expect(() => stateBackendSettings(new App({ context: { stateBucket: 42 } }), {})).toThrow(
      "example app: stateBucket (context) or STATE_BUCKET must be a string, got 42",
    );
  });
});
