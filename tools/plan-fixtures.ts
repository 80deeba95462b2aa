import { spawn } from "child_process";
import { createHash } from "crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { dirname, join, resolve } from "path";
import { Emulator, emulatorProviderSettings, motoVersion, OVERRIDE_FILE, startEmulator } from "./emulator";
import { EnginePaths, enginePaths, engineEnv, isBuilt, providerSettingsFor } from "./engine";
import { canShareConfigured, startSharedProvider, stopSharedProvider } from "./shared-provider";
import { repositoryRoot } from "./tool-cache";

/**
 * Generates the plan fixtures of the plan review (__tests__/fixtures/plans): for each case a
 * configuration before and after a change, laid out as two cdktf output folders
 * (before/stacks/<case>/cdk.tf.json, after/stacks/<case>/cdk.tf.json), and <case>.json, the plan
 * of that change as `tofu show -json` prints it. Each case runs with the engine
 * (tools/engine.ts) on an AWS emulator of its own (tools/emulator.ts), several side by side:
 *   1. the before-configuration is applied to the emulator, and a second plan of it must show no
 *      change: the state is what that apply left, as AWS (the emulator) reads it back;
 *   2. the after-configuration is planned against that state, refreshed through the emulator;
 *   3. `tofu show -json` of that plan, indented, keeping only what the review reads
 *      (format_version, terraform_version, resource_changes, resource_drift, output_changes,
 *      errored): the rest repeats the kept parts or the checked-in configurations, or is a
 *      timestamp.
 * The emulator is seeded (EMULATOR_SEED), so it makes the same key IDs, and so the same ARNs, on
 * every run: the same cases give the same files, byte for byte.
 * manifest.json records the engine, the emulator and the SHA-256 of every file written, so a test
 * can tell that the plans are those of the configurations checked in.
 *
 *   npm run plan-fixtures                      every case, into __tests__/fixtures/plans
 *   npm run plan-fixtures -- <case>...         only these cases (the manifest keeps the others)
 *   npm run plan-fixtures -- --out DIR         into another folder
 */

export const FIXTURES = join(repositoryRoot(), "__tests__", "fixtures", "plans");
const ACCOUNT = "111111111111";
const REGION = "us-east-1";
const BUCKET = "plan-review-fixture-data";
const TRAINER = `arn:aws:iam::${ACCOUNT}:role/LookoutVisionTrainer`;
const ANALYST = `arn:aws:iam::${ACCOUNT}:role/Analyst`;
const BUCKET_ARN = "${aws_s3_bucket.data.arn}";
/** Any fixed number: the fixtures' key IDs follow from it. */
const EMULATOR_SEED = 20;
/**
 * Cases run side by side, each with its own emulator: much of an apply is the provider waiting
 * (it reads a new key back until it settles: about 9 s of a 15 s apply of the full stack).
 */
const CONCURRENT_CASES = 4;

/** A configuration as cdktf writes one (Terraform JSON), open to the edits of the cases. */
export interface StackConfig {
  terraform: Record<string, unknown>;
  provider: { aws: Block[] };
  resource?: Resources;
  removed?: Block[];
}
type Block = Record<string, unknown>;
type Resources = Record<string, Record<string, Block>>;

export interface FixtureCase {
  readonly name: string;
  readonly summary: string;
  readonly before: StackConfig;
  readonly after: StackConfig;
  /** The plan of the change fails (and is written with `errored: true`). */
  readonly errored?: boolean;
}

export interface FixtureManifest {
  readonly engine: { readonly opentofu: string; readonly aws: string };
  readonly emulator: { readonly moto: string; readonly seed: number };
  readonly cases: Record<string, { readonly summary: string; readonly before: string; readonly after: string; readonly plan: string }>;
}

// ---------------------------------------------------------------------------------------------
// The configurations: one key and one bucket set up as the constructs set them up (same
// statements and Sids, fewer of them), and each case's change to it.

interface Statement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal: unknown;
  readonly Action: string | string[];
  readonly Resource: string | string[];
  readonly Condition?: Record<string, Record<string, unknown>>;
}

const KEY_STATEMENTS: Statement[] = [
  { Sid: "EnableIamPoliciesOfAccount", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" },
  { Sid: "AllowDescribeKey", Effect: "Allow", Principal: { AWS: [TRAINER] }, Action: "kms:DescribeKey", Resource: "*" },
  {
    Sid: "AllowDataUseOnlyViaServices",
    Effect: "Allow",
    Principal: { AWS: [TRAINER] },
    Action: ["kms:Decrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
    Resource: "*",
    Condition: {
      StringEquals: { "kms:ViaService": [`s3.${REGION}.amazonaws.com`, `lookoutvision.${REGION}.amazonaws.com`], "kms:CallerAccount": [ACCOUNT] },
    },
  },
];

const BUCKET_STATEMENTS: Statement[] = [
  {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  },
  {
    Sid: "DenyOutdatedTls",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
    Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
  },
  {
    Sid: "DenyNonKmsEncryptionHeader",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:PutObject",
    Resource: `${BUCKET_ARN}/*`,
    Condition: { Null: { "s3:x-amz-server-side-encryption": "false" }, StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" } },
  },
];

function policy(statements: Statement[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

const BUCKET_REF = "${aws_s3_bucket.data.id}";
const PROTECTED = { prevent_destroy: true };

function keyResources(): Resources {
  return {
    aws_kms_key: {
      data: {
        description: "Plan review fixture: data key",
        enable_key_rotation: true,
        rotation_period_in_days: 365,
        deletion_window_in_days: 30,
        policy: policy(KEY_STATEMENTS),
        lifecycle: PROTECTED,
      },
    },
    aws_kms_alias: { data: { name: "alias/plan-review-fixture", target_key_id: "${aws_kms_key.data.key_id}" } },
  };
}

function bucketResources(): Resources {
  return {
    aws_s3_bucket: { data: { bucket: BUCKET, force_destroy: false, lifecycle: PROTECTED } },
    aws_s3_bucket_versioning: { data: { bucket: BUCKET_REF, versioning_configuration: { status: "Enabled" } } },
    aws_s3_bucket_public_access_block: {
      data: { bucket: BUCKET_REF, block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true },
    },
    aws_s3_bucket_server_side_encryption_configuration: {
      data: {
        bucket: BUCKET_REF,
        rule: [
          {
            apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: "${aws_kms_key.data.arn}" },
            bucket_key_enabled: true,
          },
        ],
      },
    },
    aws_s3_bucket_policy: { data: { bucket: BUCKET_REF, policy: policy(BUCKET_STATEMENTS), depends_on: ["aws_s3_bucket_public_access_block.data"] } },
  };
}

/** A stack as cdktf writes one: provider requirements, the AWS provider(s), resources. */
function stack(resources: Resources, providers: Block[] = [{ region: REGION }]): StackConfig {
  const config = { terraform: { required_providers: { aws: { source: "hashicorp/aws" } } }, provider: { aws: providers } };
  // An empty "resource" object is an error in Terraform's JSON syntax.
  return Object.keys(resources).length > 0 ? { ...config, resource: resources } : config;
}

const fullStack = () => stack({ ...keyResources(), ...bucketResources() });
const keyStack = () => stack(keyResources());

/** A copy of `config` changed by `edit`, which mutates it. */
function changed(config: StackConfig, edit: (resources: Resources, config: StackConfig) => void): StackConfig {
  const copy = JSON.parse(JSON.stringify(config)) as StackConfig;
  edit(copy.resource ?? {}, copy);
  return copy;
}

const unprotectKey = (r: Resources) => delete r.aws_kms_key.data.lifecycle;
const unprotectBucket = (r: Resources) => delete r.aws_s3_bucket.data.lifecycle;
const keyPolicy = (r: Resources, statements: Statement[]) => (r.aws_kms_key.data.policy = policy(statements));
const bucketPolicy = (r: Resources, statements: Statement[]) => (r.aws_s3_bucket_policy.data.policy = policy(statements));
const sse = (r: Resources) => (r.aws_s3_bucket_server_side_encryption_configuration.data.rule as Block[])[0];
const sseDefault = (r: Resources) => sse(r).apply_server_side_encryption_by_default as Block;
const versioning = (r: Resources) => r.aws_s3_bucket_versioning.data.versioning_configuration as Block;
const BUCKET_TYPES = [
  "aws_s3_bucket",
  "aws_s3_bucket_versioning",
  "aws_s3_bucket_public_access_block",
  "aws_s3_bucket_server_side_encryption_configuration",
  "aws_s3_bucket_policy",
];

function replicaStack(edit: (resources: Resources) => void = () => undefined): StackConfig {
  const config = stack(
    {
      aws_kms_key: {
        primary: {
          description: "Plan review fixture: multi-region primary",
          multi_region: true,
          enable_key_rotation: true,
          deletion_window_in_days: 30,
        },
      },
      aws_kms_replica_key: {
        replica: {
          provider: "aws.eu",
          description: "Plan review fixture: replica",
          primary_key_arn: "${aws_kms_key.primary.arn}",
          deletion_window_in_days: 30,
        },
      },
    },
    [{ region: REGION }, { alias: "eu", region: "eu-west-1" }],
  );
  return changed(config, edit);
}

/**
 * Every case: a name, what it shows, and the two configurations. A case named after a rule
 * triggers it; the near misses (`near-miss` in the summary) change something close that must
 * not be reported.
 */
export function fixtureCases(): FixtureCase[] {
  const unprotectedKey = changed(keyStack(), unprotectKey);
  const unprotectedFull = changed(fullStack(), (r) => (unprotectKey(r), unprotectBucket(r)));
  const protectedKeyUpdate = (edit: (resources: Resources) => void) => ({ before: keyStack(), after: changed(keyStack(), edit) });
  const full = (edit: (resources: Resources) => void, before = fullStack()) => ({ before, after: changed(before, edit) });
  const cases: FixtureCase[] = [
    { name: "no-change", summary: "the same configuration before and after", before: fullStack(), after: fullStack() },
    { name: "key-delete", summary: "the key and its alias are removed", before: unprotectedKey, after: stack({}) },
    {
      name: "key-alias-delete",
      summary: "near miss: only the alias is removed, the key stays",
      ...protectedKeyUpdate((r) => delete r.aws_kms_alias),
    },
    {
      name: "key-replace",
      summary: "multi_region turned on replaces the key",
      before: unprotectedKey,
      after: changed(unprotectedKey, (r) => (r.aws_kms_key.data.multi_region = true)),
    },
    {
      name: "key-description-update",
      summary: "near miss: a new description updates the key in place",
      ...protectedKeyUpdate((r) => (r.aws_kms_key.data.description = "Plan review fixture: renamed")),
    },
    {
      name: "key-deletion-window-shortened",
      summary: "deletion window 30 -> 7 days",
      ...protectedKeyUpdate((r) => (r.aws_kms_key.data.deletion_window_in_days = 7)),
    },
    {
      name: "key-deletion-window-lengthened",
      summary: "near miss: deletion window 7 -> 30 days",
      before: changed(keyStack(), (r) => (r.aws_kms_key.data.deletion_window_in_days = 7)),
      after: keyStack(),
    },
    {
      name: "key-rotation-off",
      summary: "enable_key_rotation true -> false",
      ...protectedKeyUpdate((r) => ((r.aws_kms_key.data.enable_key_rotation = false), delete r.aws_kms_key.data.rotation_period_in_days)),
    },
    {
      name: "key-rotation-period-changed",
      summary: "near miss: rotation stays on, every 180 days instead of 365",
      ...protectedKeyUpdate((r) => (r.aws_kms_key.data.rotation_period_in_days = 180)),
    },
    { name: "key-disabled", summary: "is_enabled true -> false", ...protectedKeyUpdate((r) => (r.aws_kms_key.data.is_enabled = false)) },
    {
      name: "key-enabled",
      summary: "near miss: is_enabled false -> true",
      before: changed(keyStack(), (r) => (r.aws_kms_key.data.is_enabled = false)),
      after: keyStack(),
    },
    {
      name: "replica-key-delete",
      summary: "the replica of a multi-region key is removed",
      before: replicaStack(),
      after: replicaStack((r) => delete r.aws_kms_replica_key),
    },
    {
      name: "replica-key-update",
      summary: "near miss: the replica's description changes",
      before: replicaStack(),
      after: replicaStack((r) => (r.aws_kms_replica_key.replica.description = "Plan review fixture: renamed replica")),
    },
    {
      name: "key-policy-principal-added",
      summary: "a role added to the key users' Allow statements",
      ...protectedKeyUpdate((r) =>
        keyPolicy(
          r,
          KEY_STATEMENTS.map((s: Statement) => (s.Sid === "EnableIamPoliciesOfAccount" ? s : { ...s, Principal: { AWS: [TRAINER, ANALYST] } })),
        ),
      ),
    },
    {
      name: "key-policy-condition-removed",
      summary: "kms:ViaService no longer limits data use to S3 and the service",
      ...protectedKeyUpdate((r) =>
        keyPolicy(
          r,
          KEY_STATEMENTS.map((s) => (s.Condition ? { ...s, Condition: { StringEquals: { "kms:CallerAccount": [ACCOUNT] } } } : s)),
        ),
      ),
    },
    {
      name: "key-policy-narrowed",
      summary: "near miss: data use loses an action and gains a condition",
      ...protectedKeyUpdate((r) =>
        keyPolicy(
          r,
          KEY_STATEMENTS.map((s) =>
            s.Condition
              ? { ...s, Action: ["kms:Decrypt", "kms:GenerateDataKey*"], Condition: { ...s.Condition, Bool: { "aws:SecureTransport": "true" } } }
              : s,
          ),
        ),
      ),
    },
    {
      name: "key-policy-reordered",
      summary: "near miss: the same statements in another order, lists as single values",
      ...protectedKeyUpdate((r) =>
        keyPolicy(
          r,
          [...KEY_STATEMENTS].reverse().map((s: Statement) => (s.Sid === "AllowDescribeKey" ? { ...s, Principal: { AWS: TRAINER } } : s)),
        ),
      ),
    },
    {
      name: "bucket-delete",
      summary: "the bucket and its settings are removed",
      before: unprotectedFull,
      after: changed(unprotectedFull, (r) => BUCKET_TYPES.forEach((type) => delete r[type])),
    },
    {
      name: "bucket-forget",
      summary: "near miss: the bucket leaves the configuration through removed blocks (kept in AWS, forgotten by the state)",
      before: unprotectedFull,
      after: changed(unprotectedFull, (r, config) => {
        BUCKET_TYPES.forEach((type) => delete r[type]);
        config.removed = BUCKET_TYPES.map((type) => ({ from: `${type}.data`, lifecycle: { destroy: false } }));
      }),
    },
    {
      name: "bucket-replace",
      summary: "a new bucket name replaces the bucket",
      ...full((r) => (r.aws_s3_bucket.data.bucket = `${BUCKET}-renamed`), unprotectedFull),
    },
    {
      name: "bucket-tags-update",
      summary: "near miss: new tags update the bucket in place",
      ...full((r) => (r.aws_s3_bucket.data.tags = { team: "vision" })),
    },
    { name: "bucket-force-destroy-on", summary: "force_destroy false -> true", ...full((r) => (r.aws_s3_bucket.data.force_destroy = true)) },
    {
      name: "bucket-force-destroy-off",
      summary: "near miss: force_destroy true -> false",
      before: changed(fullStack(), (r) => (r.aws_s3_bucket.data.force_destroy = true)),
      after: fullStack(),
    },
    { name: "bucket-versioning-suspended", summary: "versioning Enabled -> Suspended", ...full((r) => (versioning(r).status = "Suspended")) },
    {
      name: "bucket-versioning-removed",
      summary: "the versioning resource is removed, which suspends versioning",
      ...full((r) => delete r.aws_s3_bucket_versioning),
    },
    {
      name: "bucket-versioning-enabled",
      summary: "near miss: versioning Suspended -> Enabled",
      before: changed(fullStack(), (r) => (versioning(r).status = "Suspended")),
      after: fullStack(),
    },
    {
      name: "bucket-public-access-block-off",
      summary: "block_public_policy and restrict_public_buckets true -> false",
      ...full((r) => Object.assign(r.aws_s3_bucket_public_access_block.data, { block_public_policy: false, restrict_public_buckets: false })),
    },
    {
      name: "bucket-public-access-block-removed",
      summary: "the public access block resource is removed",
      ...full((r) => {
        delete r.aws_s3_bucket_public_access_block;
        delete r.aws_s3_bucket_policy.data.depends_on;
      }),
    },
    {
      name: "bucket-public-access-block-on",
      summary: "near miss: block_public_policy false -> true",
      before: changed(fullStack(), (r) => (r.aws_s3_bucket_public_access_block.data.block_public_policy = false)),
      after: fullStack(),
    },
    {
      name: "bucket-encryption-sse-s3",
      summary: "default encryption SSE-KMS -> SSE-S3 (AES256)",
      ...full((r) => (sse(r).apply_server_side_encryption_by_default = { sse_algorithm: "AES256" })),
    },
    {
      name: "bucket-encryption-other-key",
      summary: "default encryption moves to another key",
      ...full((r) => {
        r.aws_kms_key.other = { description: "Plan review fixture: another key", enable_key_rotation: true };
        sseDefault(r).kms_master_key_id = "${aws_kms_key.other.arn}";
      }),
    },
    {
      name: "bucket-encryption-key-id",
      summary: "near miss: the same key named by its key ID instead of its ARN, bucket key off",
      ...full((r) => {
        sseDefault(r).kms_master_key_id = "${aws_kms_key.data.key_id}";
        sse(r).bucket_key_enabled = false;
      }),
    },
    {
      name: "bucket-policy-deny-removed",
      summary: "DenyInsecureTransport removed from the bucket policy",
      ...full((r) => bucketPolicy(r, BUCKET_STATEMENTS.slice(1))),
    },
    {
      name: "bucket-policy-deny-narrowed",
      summary: "DenyOutdatedTls denies only GetObject instead of every action",
      ...full((r) =>
        bucketPolicy(
          r,
          BUCKET_STATEMENTS.map((s: Statement) => (s.Sid === "DenyOutdatedTls" ? { ...s, Action: "s3:GetObject" } : s)),
        ),
      ),
    },
    {
      name: "bucket-policy-allow-added",
      summary: "an Allow for another account's role added to the bucket policy",
      ...full((r) =>
        bucketPolicy(r, [
          ...BUCKET_STATEMENTS,
          {
            Sid: "AllowPartnerRead",
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::999999999999:role/Partner" },
            Action: "s3:GetObject",
            Resource: `${BUCKET_ARN}/*`,
          },
        ]),
      ),
    },
    {
      name: "bucket-policy-deny-added",
      summary: "near miss: a Deny added (SSE-C uploads)",
      ...full((r) =>
        bucketPolicy(r, [
          ...BUCKET_STATEMENTS,
          {
            Sid: "DenySseC",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:PutObject",
            Resource: `${BUCKET_ARN}/*`,
            Condition: { Null: { "s3:x-amz-server-side-encryption-customer-algorithm": "false" } },
          },
        ]),
      ),
    },
    {
      name: "prevent-destroy-removed",
      summary: "the key loses prevent_destroy, the bucket gets prevent_destroy = false (the plan itself shows no change)",
      ...full((r) => {
        unprotectKey(r);
        r.aws_s3_bucket.data.lifecycle = { prevent_destroy: false };
      }),
    },
    {
      name: "prevent-destroy-added",
      summary: "near miss: prevent_destroy added to the bucket policy",
      ...full((r) => (r.aws_s3_bucket_policy.data.lifecycle = PROTECTED)),
    },
    {
      name: "errored-protected-key-replace",
      summary: "an errored plan: replacing a key that has prevent_destroy",
      ...protectedKeyUpdate((r) => (r.aws_kms_key.data.multi_region = true)),
      errored: true,
    },
  ];
  return cases;
}

// ---------------------------------------------------------------------------------------------
// The engine on the emulator: a work folder with the configuration and the emulator override.

interface TofuRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function tofu(paths: EnginePaths, cwd: string, args: string[], { allowFailure = false, env = engineEnv(paths) } = {}): Promise<TofuRun> {
  return new Promise((done, fail) => {
    const child = spawn(paths.tofu, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", fail);
    child.on("close", (status) => {
      const run = { status, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() };
      if (status !== 0 && !allowFailure)
        fail(new Error(`plan-fixtures: tofu ${args.join(" ")} failed (exit ${status}) in ${cwd}:\n${run.stderr}\n${run.stdout}`));
      else done(run);
    });
  });
}

/** The configuration as main.tf.json, and the emulator's settings on each of its AWS provider configurations. */
function writeConfig(work: string, config: StackConfig, emulator: Emulator): void {
  writeFileSync(join(work, "main.tf.json"), configText(config));
  writeFileSync(
    join(work, OVERRIDE_FILE),
    `${JSON.stringify({ provider: { aws: providerSettingsFor(config, emulatorProviderSettings(emulator)) } }, null, 2)}\n`,
  );
}

/**
 * What a fixture keeps of the plan JSON: the parts the review reads, in the engine's order. The
 * rest repeats what is kept or checked in (planned_values and prior_state are the after and
 * before values of resource_changes; configuration is after/stacks/<case>/cdk.tf.json), or
 * differs on every run (timestamp).
 */
const KEPT = ["format_version", "terraform_version", "resource_changes", "resource_drift", "output_changes", "errored"];

export function fixtureText(json: Record<string, unknown>): string {
  return `${JSON.stringify(Object.fromEntries(Object.entries(json).filter(([key]) => KEPT.includes(key))), null, 2)}\n`;
}

export function configText(config: StackConfig): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}

export function digest(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * Applies the case's before-configuration to `emulator` and plans its after-configuration against
 * the state that left (refreshed through the emulator); returns the fixture text. An errored case
 * must error, the others must not.
 */
async function planCase(paths: EnginePaths, work: string, emulator: Emulator, fixtureCase: FixtureCase): Promise<string> {
  // The case's commands run one after another: one provider process serves them all when both configurations have a single AWS provider configuration.
  const shared = canShareConfigured(fixtureCase.before) && canShareConfigured(fixtureCase.after) ? await startSharedProvider(paths) : undefined;
  const env = shared ? { ...engineEnv(paths), TF_REATTACH_PROVIDERS: shared.reattach } : engineEnv(paths);
  try {
    writeConfig(work, fixtureCase.before, emulator);
    await tofu(paths, work, ["init", "-input=false", "-no-color"], { env });
    await tofu(paths, work, ["apply", "-auto-approve", "-input=false", "-no-color"], { env });
    // Anything the emulator reads back differently from what was applied would show in the case's plan as a change it did not make.
    const again = await tofu(paths, work, ["plan", "-detailed-exitcode", "-input=false", "-no-color"], { allowFailure: true, env });
    if (again.status !== 0)
      throw new Error(
        `plan-fixtures: case ${fixtureCase.name}: a second plan of the applied before-configuration (exit ${again.status}) is not empty:\n${again.stderr}\n${again.stdout}`,
      );
    writeConfig(work, fixtureCase.after, emulator);
    const errored = fixtureCase.errored === true;
    const planned = await tofu(paths, work, ["plan", "-input=false", "-no-color", "-out=plan.bin"], { allowFailure: errored, env });
    if (!existsSync(join(work, "plan.bin"))) throw new Error(`plan-fixtures: case ${fixtureCase.name}: no plan written:\n${planned.stderr}`);
    const json = JSON.parse((await tofu(paths, work, ["show", "-json", "-no-color", "plan.bin"], { env })).stdout) as Record<string, unknown>;
    if ((planned.status !== 0) !== errored || (json.errored === true) !== errored) {
      throw new Error(
        `plan-fixtures: case ${fixtureCase.name} should ${errored ? "" : "not "}error; tofu exited ${planned.status}:\n${planned.stderr}`,
      );
    }
    return fixtureText(json);
  } finally {
    if (shared) stopSharedProvider(shared);
  }
}

/** `planCase` with an emulator and a work folder of its own, both removed however it ends. */
async function planCaseOnEmulator(paths: EnginePaths, fixtureCase: FixtureCase): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), `plan-fixtures-${fixtureCase.name}-`));
  try {
    const emulator = await startEmulator({ account: ACCOUNT, seed: EMULATOR_SEED });
    try {
      return await planCase(paths, work, emulator, fixtureCase);
    } catch (error) {
      throw new Error(`${(error as Error).message}\nemulator log:\n${emulator.log().trim().split("\n").slice(-20).join("\n")}`);
    } finally {
      await emulator.stop();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * `each` over `items`, at most `limit` at a time; the results in the items' order. After a
 * failure no item starts, the running ones end (so each cleans up), and the first error is thrown.
 */
async function inBatches<T, R>(items: readonly T[], limit: number, each: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      const index = next++;
      results[index] = await each(items[index]).catch((error: unknown) => {
        failed = true;
        throw error;
      });
    }
  };
  const ended = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const rejected = ended.find((end): end is PromiseRejectedResult => end.status === "rejected");
  if (rejected) throw rejected.reason;
  return results;
}

function writeFile(file: string, text: string): string {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return digest(text);
}

/** Writes the named cases (all when none is named) into `outDir` and updates its manifest. */
export async function generate(
  names: string[] = [],
  outDir = FIXTURES,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<FixtureManifest> {
  const paths = enginePaths();
  if (!isBuilt(paths)) throw new Error(`plan-fixtures: the engine is not built (expected ${paths.tofu}): run npm run engine`);
  const all = fixtureCases();
  const unknown = names.filter((n) => !all.some((c) => c.name === n));
  if (unknown.length > 0) throw new Error(`plan-fixtures: no case named ${unknown.join(", ")} (cases: ${all.map((c) => c.name).join(", ")})`);
  const chosen = names.length > 0 ? all.filter((c) => names.includes(c.name)) : all;
  const manifestFile = join(outDir, "manifest.json");
  const previous = existsSync(manifestFile) ? (JSON.parse(readFileSync(manifestFile, "utf8")) as FixtureManifest).cases : {};
  const cases: FixtureManifest["cases"] = names.length > 0 ? { ...previous } : {};
  const plans = await inBatches(chosen, CONCURRENT_CASES, async (fixtureCase) => {
    const started = Date.now();
    const plan = await planCaseOnEmulator(paths, fixtureCase);
    log(`[plan-fixtures] ${fixtureCase.name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return plan;
  });
  chosen.forEach((fixtureCase, i) => {
    cases[fixtureCase.name] = {
      summary: fixtureCase.summary,
      before: writeFile(join(outDir, "before", "stacks", fixtureCase.name, "cdk.tf.json"), configText(fixtureCase.before)),
      after: writeFile(join(outDir, "after", "stacks", fixtureCase.name, "cdk.tf.json"), configText(fixtureCase.after)),
      plan: writeFile(join(outDir, `${fixtureCase.name}.json`), plans[i]),
    };
  });
  const ordered = Object.fromEntries(all.filter((c) => c.name in cases).map((c) => [c.name, cases[c.name]]));
  const manifest: FixtureManifest = {
    engine: { opentofu: paths.opentofuVersion, aws: paths.provider.version },
    emulator: { moto: motoVersion(), seed: EMULATOR_SEED },
    cases: ordered,
  };
  writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

async function main(args: string[]): Promise<void> {
  const outAt = args.indexOf("--out");
  const outDir = outAt === -1 ? FIXTURES : resolve(args[outAt + 1]);
  const names = outAt === -1 ? args : [...args.slice(0, outAt), ...args.slice(outAt + 2)];
  const started = Date.now();
  const manifest = await generate(names, outDir);
  process.stderr.write(
    `[plan-fixtures] ${Object.keys(manifest.cases).length} case(s) in ${outDir} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`,
  );
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: Error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
}
