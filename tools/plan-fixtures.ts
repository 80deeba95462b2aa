#!/usr/bin/env node
// Generates the plan fixtures of the plan review (__tests__/fixtures/plans): for each case a
// configuration before and after a change, laid out as two cdktf output folders
// (before/stacks/<case>/cdk.tf.json, after/stacks/<case>/cdk.tf.json), and <case>.json, the plan
// of that change as `tofu show -json` prints it. The plans come from the engine
// (tools/engine.ts), offline:
//   1. the before-configuration is planned and its planned values become a state (values known
//      only after apply get fake ones: key IDs, ARNs), again and again until a plan of the
//      before-configuration against that state shows no change: the state is what applying it
//      would have left;
//   2. the after-configuration is planned against that state with -refresh=false, with an
//      override file that gives the provider fake credentials and the skip_* settings;
//   3. `tofu show -json` of that plan, indented, keeping only what the review reads
//      (format_version, terraform_version, resource_changes, resource_drift, output_changes,
//      errored): the rest repeats the kept parts or the checked-in configurations, or is a
//      timestamp. The same filter on the same plan gives the same text, byte for byte.
// manifest.json records the engine and the SHA-256 of every file written, so a test can tell
// that the plans are those of the configurations checked in.
//
//   node dist/tools/plan-fixtures.js             every case, into __tests__/fixtures/plans
//   node dist/tools/plan-fixtures.js <case>...   only these cases (the manifest keeps the others)
//   node dist/tools/plan-fixtures.js --out DIR   into another folder

import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EnginePaths, enginePaths, engineEnv, isBuilt, offlineProviders } from "./engine";
import { ROOT } from "./pack-flavours";

/**
 * Configurations, plans, states and provider schemas: JSON that the cases edit in place and the
 * engine prints, read here only as far as its documented formats go.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface FixtureCase {
  readonly name: string;
  readonly summary: string;
  readonly before: Json;
  readonly after: Json;
  readonly errored?: boolean;
}

export interface FixtureManifest {
  readonly engine: { readonly opentofu: string; readonly aws: string };
  readonly cases: Record<string, { readonly summary: string; readonly before: string; readonly after: string; readonly plan: string }>;
}

export const FIXTURES = path.join(ROOT, "__tests__", "fixtures", "plans");
const ACCOUNT = "111111111111";
const REGION = "us-east-1";
const BUCKET = "plan-review-fixture-data";
const TRAINER = `arn:aws:iam::${ACCOUNT}:role/LookoutVisionTrainer`;
const ANALYST = `arn:aws:iam::${ACCOUNT}:role/Analyst`;
const BUCKET_ARN = "${aws_s3_bucket.data.arn}";

// ---------------------------------------------------------------------------------------------
// The configurations: one key and one bucket set up as the constructs set them up (same
// statements and Sids, fewer of them), and each case's change to it.

const KEY_STATEMENTS = [
  { Sid: "EnableIamPoliciesOfAccount", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" },
  { Sid: "AllowDescribeKey", Effect: "Allow", Principal: { AWS: [TRAINER] }, Action: "kms:DescribeKey", Resource: "*" },
  {
    Sid: "AllowDataUseOnlyViaServices",
    Effect: "Allow",
    Principal: { AWS: [TRAINER] },
    Action: ["kms:Decrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
    Resource: "*",
    Condition: { StringEquals: { "kms:ViaService": [`s3.${REGION}.amazonaws.com`, `lookoutvision.${REGION}.amazonaws.com`], "kms:CallerAccount": [ACCOUNT] } },
  },
];

const BUCKET_STATEMENTS = [
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

function policy(statements: Json[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

const BUCKET_REF = "${aws_s3_bucket.data.id}";
const PROTECTED = { prevent_destroy: true };

function keyResources(): Json {
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

function bucketResources(): Json {
  return {
    aws_s3_bucket: { data: { bucket: BUCKET, force_destroy: false, lifecycle: PROTECTED } },
    aws_s3_bucket_versioning: { data: { bucket: BUCKET_REF, versioning_configuration: { status: "Enabled" } } },
    aws_s3_bucket_public_access_block: {
      data: { bucket: BUCKET_REF, block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true },
    },
    aws_s3_bucket_server_side_encryption_configuration: {
      data: {
        bucket: BUCKET_REF,
        rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: "${aws_kms_key.data.arn}" }, bucket_key_enabled: true }],
      },
    },
    aws_s3_bucket_policy: { data: { bucket: BUCKET_REF, policy: policy(BUCKET_STATEMENTS), depends_on: ["aws_s3_bucket_public_access_block.data"] } },
  };
}

/** A stack as cdktf writes one: provider requirements, the AWS provider(s), resources. */
function stack(resources: Json, providers: Json[] = [{ region: REGION }], extra: Json = {}): Json {
  const config = { terraform: { required_providers: { aws: { source: "hashicorp/aws" } } }, provider: { aws: providers }, ...extra };
  // An empty "resource" object is an error in Terraform's JSON syntax.
  return Object.keys(resources).length > 0 ? { ...config, resource: resources } : config;
}

const fullStack = () => stack({ ...keyResources(), ...bucketResources() });
const keyStack = () => stack(keyResources());

/** A copy of `config` changed by `edit`, which mutates it. */
function changed(config: Json, edit: (resources: Json, config: Json) => unknown): Json {
  const copy = JSON.parse(JSON.stringify(config));
  edit(copy.resource, copy);
  return copy;
}

const unprotectKey = (r: Json) => delete r.aws_kms_key.data.lifecycle;
const unprotectBucket = (r: Json) => delete r.aws_s3_bucket.data.lifecycle;
const keyPolicy = (r: Json, statements: Json[]) => (r.aws_kms_key.data.policy = policy(statements));
const bucketPolicy = (r: Json, statements: Json[]) => (r.aws_s3_bucket_policy.data.policy = policy(statements));
const sse = (r: Json) => r.aws_s3_bucket_server_side_encryption_configuration.data.rule[0];
const BUCKET_TYPES = ["aws_s3_bucket", "aws_s3_bucket_versioning", "aws_s3_bucket_public_access_block", "aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_policy"];

function replicaStack(edit: (resources: Json) => unknown = () => undefined): Json {
  const config = stack(
    {
      aws_kms_key: { primary: { description: "Plan review fixture: multi-region primary", multi_region: true, enable_key_rotation: true, deletion_window_in_days: 30 } },
      aws_kms_replica_key: {
        replica: { provider: "aws.eu", description: "Plan review fixture: replica", primary_key_arn: "${aws_kms_key.primary.arn}", deletion_window_in_days: 30 },
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
  const protectedKeyUpdate = (edit: (resources: Json) => unknown) => ({ before: keyStack(), after: changed(keyStack(), edit) });
  const full = (edit: (resources: Json, config: Json) => unknown, before = fullStack()) => ({ before, after: changed(before, edit) });
  const cases: FixtureCase[] = [
    { name: "no-change", summary: "the same configuration before and after", before: fullStack(), after: fullStack() },
    { name: "key-delete", summary: "the key and its alias are removed", before: unprotectedKey, after: stack({}) },
    { name: "key-alias-delete", summary: "near miss: only the alias is removed, the key stays", ...protectedKeyUpdate((r) => delete r.aws_kms_alias) },
    { name: "key-replace", summary: "multi_region turned on replaces the key", before: unprotectedKey, after: changed(unprotectedKey, (r) => (r.aws_kms_key.data.multi_region = true)) },
    { name: "key-description-update", summary: "near miss: a new description updates the key in place", ...protectedKeyUpdate((r) => (r.aws_kms_key.data.description = "Plan review fixture: renamed")) },
    { name: "key-deletion-window-shortened", summary: "deletion window 30 -> 7 days", ...protectedKeyUpdate((r) => (r.aws_kms_key.data.deletion_window_in_days = 7)) },
    {
      name: "key-deletion-window-lengthened",
      summary: "near miss: deletion window 7 -> 30 days",
      before: changed(keyStack(), (r) => (r.aws_kms_key.data.deletion_window_in_days = 7)),
      after: keyStack(),
    },
    { name: "key-rotation-off", summary: "enable_key_rotation true -> false", ...protectedKeyUpdate((r) => ((r.aws_kms_key.data.enable_key_rotation = false), delete r.aws_kms_key.data.rotation_period_in_days)) },
    { name: "key-rotation-period-changed", summary: "near miss: rotation stays on, every 180 days instead of 365", ...protectedKeyUpdate((r) => (r.aws_kms_key.data.rotation_period_in_days = 180)) },
    { name: "key-disabled", summary: "is_enabled true -> false", ...protectedKeyUpdate((r) => (r.aws_kms_key.data.is_enabled = false)) },
    { name: "key-enabled", summary: "near miss: is_enabled false -> true", before: changed(keyStack(), (r) => (r.aws_kms_key.data.is_enabled = false)), after: keyStack() },
    { name: "replica-key-delete", summary: "the replica of a multi-region key is removed", before: replicaStack(), after: replicaStack((r) => delete r.aws_kms_replica_key) },
    { name: "replica-key-update", summary: "near miss: the replica's description changes", before: replicaStack(), after: replicaStack((r) => (r.aws_kms_replica_key.replica.description = "Plan review fixture: renamed replica")) },
    {
      name: "key-policy-principal-added",
      summary: "a role added to the key users' Allow statements",
      ...protectedKeyUpdate((r) => keyPolicy(r, KEY_STATEMENTS.map((s: Json) => (s.Sid === "EnableIamPoliciesOfAccount" ? s : { ...s, Principal: { AWS: [TRAINER, ANALYST] } })))),
    },
    {
      name: "key-policy-condition-removed",
      summary: "kms:ViaService no longer limits data use to S3 and the service",
      ...protectedKeyUpdate((r) => keyPolicy(r, KEY_STATEMENTS.map((s) => (s.Condition ? { ...s, Condition: { StringEquals: { "kms:CallerAccount": [ACCOUNT] } } } : s)))),
    },
    {
      name: "key-policy-narrowed",
      summary: "near miss: data use loses an action and gains a condition",
      ...protectedKeyUpdate((r) =>
        keyPolicy(r, KEY_STATEMENTS.map((s) => (s.Condition ? { ...s, Action: ["kms:Decrypt", "kms:GenerateDataKey*"], Condition: { ...s.Condition, Bool: { "aws:SecureTransport": "true" } } } : s))),
      ),
    },
    {
      name: "key-policy-reordered",
      summary: "near miss: the same statements in another order, lists as single values",
      ...protectedKeyUpdate((r) => keyPolicy(r, [...KEY_STATEMENTS].reverse().map((s: Json) => (s.Sid === "AllowDescribeKey" ? { ...s, Principal: { AWS: TRAINER } } : s)))),
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
    { name: "bucket-replace", summary: "a new bucket name replaces the bucket", ...full((r) => (r.aws_s3_bucket.data.bucket = `${BUCKET}-renamed`), unprotectedFull) },
    { name: "bucket-tags-update", summary: "near miss: new tags update the bucket in place", ...full((r) => (r.aws_s3_bucket.data.tags = { team: "vision" })) },
    { name: "bucket-force-destroy-on", summary: "force_destroy false -> true", ...full((r) => (r.aws_s3_bucket.data.force_destroy = true)) },
    { name: "bucket-force-destroy-off", summary: "near miss: force_destroy true -> false", before: changed(fullStack(), (r) => (r.aws_s3_bucket.data.force_destroy = true)), after: fullStack() },
    { name: "bucket-versioning-suspended", summary: "versioning Enabled -> Suspended", ...full((r) => (r.aws_s3_bucket_versioning.data.versioning_configuration.status = "Suspended")) },
    { name: "bucket-versioning-removed", summary: "the versioning resource is removed, which suspends versioning", ...full((r) => delete r.aws_s3_bucket_versioning) },
    {
      name: "bucket-versioning-enabled",
      summary: "near miss: versioning Suspended -> Enabled",
      before: changed(fullStack(), (r) => (r.aws_s3_bucket_versioning.data.versioning_configuration.status = "Suspended")),
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
    { name: "bucket-encryption-sse-s3", summary: "default encryption SSE-KMS -> SSE-S3 (AES256)", ...full((r) => (sse(r).apply_server_side_encryption_by_default = { sse_algorithm: "AES256" })) },
    {
      name: "bucket-encryption-other-key",
      summary: "default encryption moves to another key",
      ...full((r) => {
        r.aws_kms_key.other = { description: "Plan review fixture: another key", enable_key_rotation: true };
        sse(r).apply_server_side_encryption_by_default.kms_master_key_id = "${aws_kms_key.other.arn}";
      }),
    },
    {
      name: "bucket-encryption-key-id",
      summary: "near miss: the same key named by its key ID instead of its ARN, bucket key off",
      ...full((r) => {
        sse(r).apply_server_side_encryption_by_default.kms_master_key_id = "${aws_kms_key.data.key_id}";
        sse(r).bucket_key_enabled = false;
      }),
    },
    { name: "bucket-policy-deny-removed", summary: "DenyInsecureTransport removed from the bucket policy", ...full((r) => bucketPolicy(r, BUCKET_STATEMENTS.slice(1))) },
    {
      name: "bucket-policy-deny-narrowed",
      summary: "DenyOutdatedTls denies only GetObject instead of every action",
      ...full((r) => bucketPolicy(r, BUCKET_STATEMENTS.map((s: Json) => (s.Sid === "DenyOutdatedTls" ? { ...s, Action: "s3:GetObject" } : s)))),
    },
    {
      name: "bucket-policy-allow-added",
      summary: "an Allow for another account's role added to the bucket policy",
      ...full((r) =>
        bucketPolicy(r, [...BUCKET_STATEMENTS, { Sid: "AllowPartnerRead", Effect: "Allow", Principal: { AWS: "arn:aws:iam::999999999999:role/Partner" }, Action: "s3:GetObject", Resource: `${BUCKET_ARN}/*` }]),
      ),
    },
    {
      name: "bucket-policy-deny-added",
      summary: "near miss: a Deny added (SSE-C uploads)",
      ...full((r) =>
        bucketPolicy(r, [
          ...BUCKET_STATEMENTS,
          { Sid: "DenySseC", Effect: "Deny", Principal: "*", Action: "s3:PutObject", Resource: `${BUCKET_ARN}/*`, Condition: { Null: { "s3:x-amz-server-side-encryption-customer-algorithm": "false" } } },
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
    { name: "prevent-destroy-added", summary: "near miss: prevent_destroy added to the bucket policy", ...full((r) => (r.aws_s3_bucket_policy.data.lifecycle = PROTECTED)) },
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
// The engine: a work folder with the configuration, the offline override and a state.

function run(paths: EnginePaths, cwd: string, args: string[], { allowFailure = false } = {}) {
  const result = spawnSync(paths.tofu, args, { cwd, env: engineEnv(paths), encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  if (result.error) throw result.error;
  if (result.status !== 0 && !allowFailure) throw new Error(`plan-fixtures: tofu ${args.join(" ")} failed (exit ${result.status}) in ${cwd}:\n${result.stderr}\n${result.stdout}`);
  return result;
}

/** Fake credentials and the skip_* settings on every provider configuration: no AWS API is called. */
function offlineOverride(config: Json): Json {
  return { provider: { aws: offlineProviders(config) } };
}

function writeConfig(work: string, config: Json): void {
  fs.writeFileSync(path.join(work, "main.tf.json"), `${JSON.stringify(config, null, 2)}\n`);
  fs.writeFileSync(path.join(work, "offline_override.tf.json"), `${JSON.stringify(offlineOverride(config), null, 2)}\n`);
}

function planJson(paths: EnginePaths, work: string, { allowFailure = false } = {}): { json: Json; status: number | null; stderr: string } {
  const planned = run(paths, work, ["plan", "-refresh=false", "-input=false", "-lock=false", "-no-color", "-out=plan.bin"], { allowFailure });
  if (!fs.existsSync(path.join(work, "plan.bin"))) throw new Error(`plan-fixtures: no plan written in ${work}:\n${planned.stderr}`);
  const json = JSON.parse(run(paths, work, ["show", "-json", "-no-color", "plan.bin"]).stdout);
  fs.rmSync(path.join(work, "plan.bin"));
  return { json, status: planned.status, stderr: planned.stderr };
}

// ---------------------------------------------------------------------------------------------
// Planned values -> state: fill what only apply would know, with fakes that look like AWS's.

export function digest(text: string): string {
  return crypto.createHash("sha256").update(text).digest("hex");
}

function keyId(address: string, multiRegion: boolean): string {
  const h = digest(address);
  return multiRegion ? `mrk-${h.slice(0, 32)}` : `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * A value for a top-level string attribute only apply would know: IDs and ARNs shaped like
 * AWS's (other resources and the review read them); null for the rest, as for an unset value.
 */
function fakeString(change: Json, attribute: string, values: Json): string | null {
  const region = values.region || REGION;
  const isKey = change.type === "aws_kms_key" || change.type === "aws_kms_replica_key";
  const id = isKey ? keyId(change.address, values.multi_region === true || change.type === "aws_kms_replica_key") : undefined;
  const fakes = (<Record<string, Record<string, string | undefined>>>{
    aws_kms_key: { id, key_id: id, arn: `arn:aws:kms:${region}:${ACCOUNT}:key/${id}` },
    aws_kms_replica_key: { id, key_id: id, arn: `arn:aws:kms:${region}:${ACCOUNT}:key/${id}` },
    aws_kms_alias: { id: values.name, arn: `arn:aws:kms:${region}:${ACCOUNT}:${values.name}`, target_key_arn: `arn:aws:kms:${region}:${ACCOUNT}:key/${values.target_key_id}` },
    aws_s3_bucket: {
      id: values.bucket,
      arn: `arn:aws:s3:::${values.bucket}`,
      bucket_domain_name: `${values.bucket}.s3.amazonaws.com`,
      bucket_regional_domain_name: `${values.bucket}.s3.${region}.amazonaws.com`,
    },
  })[change.type];
  if (fakes && fakes[attribute] !== undefined) return fakes[attribute];
  // The split S3 resources (versioning, policy, ...) are identified by their bucket's name.
  if (attribute === "id" && typeof values.bucket === "string") return values.bucket;
  return null;
}

/** An unknown value of a type the schema gives (cty JSON type): empty collections, zero, false. */
function emptyOf(type: Json): Json {
  if (type === "number") return 0;
  if (type === "bool") return false;
  if (Array.isArray(type) && (type[0] === "list" || type[0] === "set")) return [];
  if (Array.isArray(type) && type[0] === "map") return {};
  return null;
}

/** `values` with every unknown (marked in `unknown`, after `after_unknown`) filled, per the schema `block`. */
function fillBlock(values: Json, unknown: Json, block: Json, fakeTop?: (name: string, values: Json) => string | null): Json {
  const out = { ...(values || {}) };
  for (const [name, attribute] of Object.entries<Json>(block.attributes || {})) {
    if (unknown && unknown[name] === true) out[name] = attribute.type === "string" && fakeTop ? fakeTop(name, out) : emptyOf(attribute.type);
    else if (!(name in out)) out[name] = null;
  }
  for (const [name, nested] of Object.entries<Json>(block.block_types || {})) {
    const mark = unknown ? unknown[name] : undefined;
    if (mark === true) out[name] = nested.nesting_mode === "single" || nested.nesting_mode === "group" ? null : [];
    else if (Array.isArray(out[name])) out[name] = out[name].map((item: Json, i: number) => fillBlock(item, Array.isArray(mark) ? mark[i] : undefined, nested.block));
    else if (!(name in out)) out[name] = nested.nesting_mode === "single" || nested.nesting_mode === "group" ? null : [];
  }
  return out;
}

function providerOf(change: Json, config: Json): string {
  const alias = ((config.resource[change.type] || {})[change.name] || {}).provider;
  return `provider["${change.provider_name}"]${alias ? `.${alias.split(".")[1]}` : ""}`;
}

/** The state that applying the plan would leave, as a state file (version 4). */
function stateFrom(plan: Json, schemas: Json, config: Json, serial: number): Json {
  const resources = plan.resource_changes
    // Everything the plan keeps: creates, updates, replacements (their new object), no-ops.
    .filter((c: Json) => c.mode === "managed" && !(c.change.actions.length === 1 && ["delete", "forget"].includes(c.change.actions[0])))
    .map((c: Json) => {
      const schema = schemas.provider_schemas[c.provider_name].resource_schemas[c.type];
      const attributes = fillBlock(c.change.after, c.change.after_unknown, schema.block, (name: string, values: Json) => fakeString(c, name, values));
      return { mode: "managed", type: c.type, name: c.name, provider: providerOf(c, config), instances: [{ schema_version: schema.version || 0, attributes, sensitive_attributes: [] }] };
    });
  return { version: 4, terraform_version: plan.terraform_version, serial, lineage: "00000000-0000-4000-8000-000000000000", outputs: {}, resources, check_results: null };
}

const MAX_ROUNDS = 6;

/**
 * Applies the configuration on paper: plans, writes the planned values as state, until a plan
 * shows no change. Returns the state's text; `settled` caches it by configuration (many cases
 * start from the same one).
 */
function settle(paths: EnginePaths, work: string, config: Json, schemas: Json, settled: Map<string, string>): void {
  const stateFile = path.join(work, "terraform.tfstate");
  const key = configText(config);
  writeConfig(work, config);
  if (settled.has(key)) return fs.writeFileSync(stateFile, settled.get(key) as string);
  fs.rmSync(stateFile, { force: true });
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const { json } = planJson(paths, work);
    const pending = json.resource_changes.filter((c: Json) => c.mode === "managed" && !c.change.actions.every((a: string) => a === "no-op"));
    if (pending.length === 0) {
      settled.set(key, fs.existsSync(stateFile) ? fs.readFileSync(stateFile, "utf8") : "");
      return;
    }
    fs.writeFileSync(stateFile, `${JSON.stringify(stateFrom(json, schemas, config, round), null, 2)}\n`);
  }
  throw new Error(`plan-fixtures: the before-configuration still changes after ${MAX_ROUNDS} rounds in ${work}`);
}

/**
 * What a fixture keeps of the plan JSON: the parts the review reads, in the engine's order. The
 * rest repeats what is kept or checked in (planned_values and prior_state are the after and
 * before values of resource_changes; configuration is after/stacks/<case>/cdk.tf.json), or
 * differs on every run (timestamp).
 */
const KEPT = ["format_version", "terraform_version", "resource_changes", "resource_drift", "output_changes", "errored"];

export function fixtureText(json: Json): string {
  return `${JSON.stringify(Object.fromEntries(Object.entries(json).filter(([key]) => KEPT.includes(key))), null, 2)}\n`;
}

export function configText(config: Json): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}

function prepareWork(paths: EnginePaths): { work: string; schemas: Json } {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "plan-fixtures-"));
  writeConfig(work, replicaStack());
  run(paths, work, ["init", "-input=false", "-no-color"]);
  const schemas = JSON.parse(run(paths, work, ["providers", "schema", "-json"]).stdout);
  return { work, schemas };
}

/** Plans one case in `work` and returns the fixture text; an errored case must error, the others must not. */
function planCase(paths: EnginePaths, work: string, schemas: Json, settled: Map<string, string>, fixtureCase: FixtureCase): string {
  settle(paths, work, fixtureCase.before, schemas, settled);
  writeConfig(work, fixtureCase.after);
  const { json, status, stderr } = planJson(paths, work, { allowFailure: fixtureCase.errored === true });
  if ((status !== 0) !== (fixtureCase.errored === true) || (json.errored === true) !== (fixtureCase.errored === true)) {
    throw new Error(`plan-fixtures: case ${fixtureCase.name} should ${fixtureCase.errored ? "" : "not "}error; tofu exited ${status}:\n${stderr}`);
  }
  return fixtureText(json);
}

function writeFile(file: string, text: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return digest(text);
}

/** Writes the named cases (all when none is named) into `outDir` and updates its manifest. */
export function generate(names: string[] = [], outDir = FIXTURES, log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): FixtureManifest {
  const paths = enginePaths();
  if (!isBuilt(paths)) throw new Error(`plan-fixtures: the engine is not built (expected ${paths.tofu}): run npm run engine`);
  const all = fixtureCases();
  const unknown = names.filter((n) => !all.some((c) => c.name === n));
  if (unknown.length > 0) throw new Error(`plan-fixtures: no case named ${unknown.join(", ")} (cases: ${all.map((c) => c.name).join(", ")})`);
  const chosen = names.length > 0 ? all.filter((c) => names.includes(c.name)) : all;
  const manifestFile = path.join(outDir, "manifest.json");
  const previous = fs.existsSync(manifestFile) ? JSON.parse(fs.readFileSync(manifestFile, "utf8")).cases : {};
  const cases: FixtureManifest["cases"] = names.length > 0 ? { ...previous } : {};
  const { work, schemas } = prepareWork(paths);
  const settled = new Map<string, string>();
  try {
    for (const fixtureCase of chosen) {
      const started = Date.now();
      const plan = planCase(paths, work, schemas, settled, fixtureCase);
      cases[fixtureCase.name] = {
        summary: fixtureCase.summary,
        before: writeFile(path.join(outDir, "before", "stacks", fixtureCase.name, "cdk.tf.json"), configText(fixtureCase.before)),
        after: writeFile(path.join(outDir, "after", "stacks", fixtureCase.name, "cdk.tf.json"), configText(fixtureCase.after)),
        plan: writeFile(path.join(outDir, `${fixtureCase.name}.json`), plan),
      };
      log(`[plan-fixtures] ${fixtureCase.name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const ordered = Object.fromEntries(all.filter((c) => c.name in cases).map((c) => [c.name, cases[c.name]]));
  const manifest = { engine: { opentofu: paths.opentofuVersion, aws: paths.provider.version }, cases: ordered };
  writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const outAt = args.indexOf("--out");
  const outDir = outAt === -1 ? FIXTURES : path.resolve(args[outAt + 1]);
  const names = outAt === -1 ? args : [...args.slice(0, outAt), ...args.slice(outAt + 2)];
  try {
    const manifest = generate(names, outDir);
    process.stderr.write(`[plan-fixtures] ${Object.keys(manifest.cases).length} case(s) in ${outDir}\n`);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
}
