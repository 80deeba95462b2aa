import * as fs from "node:fs";
import * as path from "node:path";
import { App, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { ADDRESS_TABLE, AddressRow, COLLECTIONS, Condition } from "../tools/terraform-module/address-table";
import { writeModule } from "../tools/terraform-module/build";
import { EXAMPLES, ModuleCall, moduleCallBlock } from "../tools/terraform-module/examples";
import { HclBlock, attribute, block, renderFile } from "../tools/terraform-module/hcl-block";
import { HclValue, expr } from "../tools/terraform-module/hcl-expression";
import { buildModel, buildModuleFiles } from "../tools/terraform-module/module-files";
import { ARN_OVERRIDES, environmentOverrides, ruleRunName } from "../tools/terraform-module/module-tests";
import { Rule } from "../tools/terraform-module/validation-rules";
import { MODULE_NAME } from "../tools/terraform-module/readme";
import { EXAMPLE_ACCOUNT, EXAMPLE_ADMIN, EXAMPLE_KEY_ARN, EXAMPLE_USER } from "../tools/terraform-module/variables";
import { LookoutVisionEncryption, LookoutVisionEncryptionProps } from "../modules/lookout-vision-encryption";
import { REKOGNITION_CUSTOM_LABELS } from "../modules/service-profile";
import {
  describeDiagnostics,
  engineOverride,
  planAsync,
  PlannedChange,
  removeTempDirs,
  tempDir,
  tofu,
  tofuAsync,
  tofuOk,
  tofuOkAsync,
  validateAsync,
} from "./engine";

// The Terraform module through a real engine (OpenTofu and the AWS provider built by
// `npm run engine`): formatted as `tofu fmt` writes it, valid, its own `tofu test` files passing,
// every refused input printing the message its rule promises, prevent_destroy refusing a destroy,
// every example planned offline, and the same resources and policies as the constructs for the
// same inputs. Nothing reaches AWS or a registry.

const model = buildModel();
const files = buildModuleFiles(model);
const root = tempDir("terraform-module-engine");
const moduleDir = path.join(root, MODULE_NAME);
writeModule(moduleDir, files);

// The engine's commands, awaited: the module's `tofu test` of 60 runs takes a minute on a loaded machine.
jest.setTimeout(300_000);

afterAll(removeTempDirs);

/** The managed resources an offline plan would change, each with its action, from the plan's JSON stream (no separate `show`). */
async function plannedChanges(dir: string): Promise<PlannedChange[]> {
  const plan = await planAsync(dir);
  expect(describeDiagnostics(plan)).toBe("");
  return plan.changes.filter((c) => !c.address.includes("data."));
}

interface Diagnostic {
  readonly severity: string;
  readonly summary: string;
  readonly detail?: string;
  readonly range?: { readonly filename: string };
  readonly snippet?: { readonly context?: string };
}

/** The error diagnostics of a `-json` run. */
function errorDiagnostics(jsonLines: string): Diagnostic[] {
  return jsonLines
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; diagnostic?: Diagnostic })
    .filter((l) => l.type === "diagnostic" && l.diagnostic?.severity === "error")
    .map((l) => l.diagnostic!);
}

/** The type of each row's resource, as the module declares it. */
const typeOf = new Map(model.main.resources.map((r) => [r.row, r.type]));

/** Which module instances module arguments create: the table's conditions evaluated on them. */
function expectedInstances(args: Readonly<Record<string, HclValue>>, prefix: string): string[] {
  const key = (args.key ?? {}) as Record<string, unknown>;
  const on: Record<Condition, boolean> = {
    newKey: key.existing_key === undefined && key.replica_of === undefined,
    replicaKey: key.replica_of !== undefined,
    ownKey: key.existing_key === undefined,
    consoleBucket: (args.console_bucket as { create?: boolean } | undefined)?.create ?? true,
    accessLogs: (args.access_logs as { enabled?: boolean } | undefined)?.enabled ?? false,
    userPolicy: (args.user_policy as { create?: boolean } | undefined)?.create ?? true,
  };
  const keys: Record<keyof typeof COLLECTIONS, string[]> = {
    outputBuckets: Object.keys((args.output_buckets ?? {}) as object),
    userPolicyRoles: ((args.user_policy as { attach_to_role_names?: string[] } | undefined)?.attach_to_role_names ?? []) as string[],
  };
  return ADDRESS_TABLE.filter((row) => row.when.every((c) => on[c])).flatMap((row) => {
    const address = `${prefix}${typeOf.get(row)}.${row.name}`;
    return row.each ? keys[row.each].map((k) => `${address}["${k}"]`) : [`${address}${row.when.length > 0 ? "[0]" : ""}`];
  });
}

describe("the module through the engine", () => {
  beforeAll(() => {
    tofuOk(moduleDir, ["init", "-backend=false", "-input=false", "-no-color"]);
  });

  it("is what tofu fmt writes: every .tf and .tftest.hcl file, examples and tests included", () => {
    const result = tofu(moduleDir, ["fmt", "-check", "-recursive", "-diff", "-no-color"]);
    expect(result.stdout).toBe("");
    expect(result.status).toBe(0);
  });

  it("validates with no error and no warning", async () => {
    const result = await validateAsync(moduleDir);
    expect(describeDiagnostics(result)).toBe("");
    expect(result).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
  });

  it("passes its own tofu test files: every run, none skipped", async () => {
    const runs = model.tests.reduce((n, t) => n + t.runs.length, 0);
    const output = await tofuOkAsync(moduleDir, ["test", "-no-color"], "schema-only");
    expect(output).toContain(`Success! ${runs} passed, 0 failed.`);
  });
});

describe("refused inputs through the engine", () => {
  /** Error messages of one offline plan of a module call per case, by call name. */
  function messagesOf(cases: { name: string; rule: Rule }[]): Map<string, string[]> {
    const dir = tempDir("terraform-module-messages");
    const calls = cases.map(({ name, rule }) =>
      moduleCallBlock({ name, arguments: { key_user_arns: [EXAMPLE_USER], account_id: EXAMPLE_ACCOUNT, ...rule.bad } }, moduleDir),
    );
    fs.writeFileSync(path.join(dir, "main.tf"), renderFile([block("provider", ["aws"], [attribute("region", "us-east-1")]), ...calls]));
    fs.writeFileSync(path.join(dir, "engine_override.tf.json"), JSON.stringify(engineOverride({ provider: { aws: [{}] } })));
    tofuOk(dir, ["init", "-input=false", "-no-color"]);
    const result = tofu(dir, ["plan", "-refresh=false", "-input=false", "-lock=false", "-json"]);
    expect(result.status).toBe(1);
    // A refused variable names the module block of the call; a failed condition, the module's copy of main.tf.
    const callOf = (d: Diagnostic) =>
      /^module "(\w+)"$/.exec(d.snippet?.context ?? "")?.[1] ?? /^\.terraform\/modules\/(\w+)\//.exec(d.range?.filename ?? "")?.[1] ?? "?";
    const messages = new Map<string, string[]>();
    // The message, without the "This was checked by the validation rule at ..." line Terraform adds.
    for (const d of errorDiagnostics(result.stdout))
      messages.set(callOf(d), [...(messages.get(callOf(d)) ?? []), (d.detail ?? "").split("\n\nThis was checked by")[0]]);
    return messages;
  }

  // Two plans: a refused variable stops the plan before any resource's condition is checked.
  it.each([
    ["variable validations", model.variables.flatMap((v) => v.rules.map((rule) => ({ name: ruleRunName(v.name, rule), rule })))],
    ["resource preconditions and postconditions", model.resourceRules.map((r) => ({ name: r.rule.id, rule: r.rule }))],
  ])("%s print the message each promises (the TypeScript check's words), once per refused input", (_kind, cases) => {
    const messages = messagesOf(cases);
    const mismatched = cases.filter(({ name, rule }) => JSON.stringify(messages.get(name)) !== JSON.stringify([rule.expectedMessage]));
    expect(mismatched.map(({ name, rule }) => ({ name, expected: rule.expectedMessage, printed: messages.get(name) }))).toEqual([]);
    expect([...messages.keys()].sort()).toEqual(cases.map((c) => c.name).sort());
  });
});

describe.each(EXAMPLES.map((e) => [e.name, e] as const))("example %s through the engine", (_name, example) => {
  const dir = path.join(moduleDir, "examples", example.name);

  beforeAll(() => {
    // Test only: offline provider settings, and the account given so no STS call is needed.
    const providers = { provider: { aws: example.providers.map((p) => (p.alias ? { alias: p.alias } : {})) } };
    const override = {
      ...engineOverride(providers),
      module: Object.fromEntries(example.calls.map((c) => [c.name, { account_id: EXAMPLE_ACCOUNT }])),
    };
    fs.writeFileSync(path.join(dir, "engine_override.tf.json"), JSON.stringify(override, null, 2));
    tofuOk(dir, ["init", "-input=false", "-no-color"]);
  });

  it("validates with no error and no warning", async () => {
    const result = await validateAsync(dir);
    expect(describeDiagnostics(result)).toBe("");
    expect(result).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
  });

  it("plans offline: the resources its arguments switch on, all to create", async () => {
    const planned = await plannedChanges(dir);
    const expected = example.calls.flatMap((c: ModuleCall) => expectedInstances(c.arguments, `module.${c.name}.`));
    expect(planned.map((p) => p.address).sort()).toEqual(expected.sort());
    expect(new Set(planned.map((p) => p.action))).toEqual(new Set(["create"]));
  });
});

describe("prevent_destroy through the engine", () => {
  it("refuses a plan that destroys the key or a data bucket, and allows one that destroys an alias", () => {
    const dir = tempDir("terraform-module-destroy");
    const call: ModuleCall = {
      name: "m",
      arguments: {
        key_user_arns: [EXAMPLE_USER],
        account_id: EXAMPLE_ACCOUNT,
        output_buckets: { models: { bucket_name: "engine-test-models" } },
        access_logs: { enabled: true },
      },
    };
    fs.writeFileSync(
      path.join(dir, "main.tf"),
      renderFile([block("provider", ["aws"], [attribute("region", "us-east-1")]), moduleCallBlock(call, moduleDir)]),
    );
    fs.writeFileSync(path.join(dir, "engine_override.tf.json"), JSON.stringify(engineOverride({ provider: { aws: [{}] } })));
    const instance = (type: string, name: string, key: string | number, attributes: Record<string, string>) => ({
      module: "module.m",
      mode: "managed",
      type,
      name,
      provider: 'provider["registry.opentofu.org/hashicorp/aws"]',
      instances: [{ index_key: key, schema_version: 0, attributes: { id: attributes.id, ...attributes }, dependencies: [] }],
    });
    const state = {
      version: 4,
      terraform_version: "1.12.6",
      serial: 1,
      lineage: "prevent-destroy",
      outputs: {},
      resources: [
        instance("aws_kms_key", "this", 0, { id: "key", arn: EXAMPLE_KEY_ARN, key_id: "key" }),
        instance("aws_kms_alias", "this", 0, { id: "alias/lookout-vision", name: "alias/lookout-vision" }),
        instance("aws_s3_bucket", "console", 0, { id: "console", bucket: "console", arn: "arn:aws:s3:::console" }),
        instance("aws_s3_bucket", "output", "models", {
          id: "engine-test-models",
          bucket: "engine-test-models",
          arn: "arn:aws:s3:::engine-test-models",
        }),
        instance("aws_s3_bucket", "access_logs", 0, { id: "logs", bucket: "logs", arn: "arn:aws:s3:::logs" }),
      ],
    };
    fs.writeFileSync(path.join(dir, "terraform.tfstate"), JSON.stringify(state));
    tofuOk(dir, ["init", "-input=false", "-no-color"]);
    const result = tofu(dir, ["plan", "-destroy", "-refresh=false", "-input=false", "-lock=false", "-json"]);
    expect(result.status).toBe(1);
    const refused = errorDiagnostics(result.stdout)
      .filter((d) => d.summary === "Resource instance cannot be destroyed")
      .map((d) => /^Resource instance (\S+) has prevent_destroy set/.exec(d.detail ?? "")?.[1])
      .sort();
    expect(refused).toEqual([
      "module.m.aws_kms_key.this[0]",
      "module.m.aws_s3_bucket.access_logs[0]",
      "module.m.aws_s3_bucket.console[0]",
      'module.m.aws_s3_bucket.output["models"]',
    ]);
  });
});

// The module and the constructs with the same inputs, planned together in one root (the
// synthesized stack and a module call side by side) under the mocked provider: every resource of
// the constructs has its module instance, every argument is equal, every policy the same JSON.

/** Module arguments for composite props: the mapping docs/terraform-module.md tabulates. */
function moduleArguments(props: LookoutVisionEncryptionProps): Record<string, HclValue> {
  const k = props.key ?? {};
  const settings = props.bucketSettings ?? {};
  const logs = settings.accessLogs;
  const compact = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Record<string, HclValue>;
  return compact({
    service_profile: props.profile?.slug,
    region: props.region,
    account_id: props.accountId,
    key: compact({
      existing_key: k.existingKeyArn ? { arn: k.existingKeyArn } : undefined,
      // The primary's ARN as every aws_kms_key plans with it here (ARN_OVERRIDES).
      replica_of: k.replicaOf ? { primary_key_arn: ARN_OVERRIDES["aws_kms_key.this"].arn } : undefined,
      alias: k.alias,
      description: k.description,
      rotation_period_in_days: k.rotationPeriodInDays,
      deletion_window_in_days: k.deletionWindowInDays,
      multi_region: k.multiRegion as boolean | undefined,
      allow_account_root_access: k.allowAccountRootAccess,
      administrator_arns: k.administratorArns,
    }),
    key_user_arns: props.keyUserArns ?? [],
    console_bucket: props.consoleBucket === false ? { create: false } : compact({ suffix: props.consoleBucket?.suffix }),
    output_buckets: Object.fromEntries((props.outputBuckets ?? []).map((b) => [b.id, compact({ bucket_name: b.bucketName, prefix: b.prefix })])),
    bucket_settings: compact({
      versioning: settings.versioned as boolean | undefined,
      minimum_tls_version: settings.minimumTlsVersion,
      abort_incomplete_multipart_upload_days: settings.abortIncompleteMultipartUploadDays,
      force_destroy: settings.forceDestroy as boolean | undefined,
    }),
    access_logs: logs
      ? compact({ enabled: true, ...(logs === true ? {} : { target_prefix: logs.targetPrefix, expire_after_days: logs.expireAfterDays }) })
      : undefined,
    user_policy:
      props.userPolicy === false
        ? { create: false }
        : compact({ name_prefix: props.userPolicy?.namePrefix, attach_to_role_names: props.userPolicy?.attachToRoleNames }),
    tags: props.tags,
  });
}

const ENV = { region: "us-east-1", accountId: EXAMPLE_ACCOUNT, partition: "aws" };

/** A set-up: composites (construct ID, module call name, props), the replica's primary named by its ID. */
interface Composite {
  readonly id: string;
  readonly props: LookoutVisionEncryptionProps;
  readonly replicaOf?: string;
}

const SCENARIOS: Readonly<Record<string, readonly Composite[]>> = {
  "every setting away from its default": [
    {
      id: "everything",
      props: {
        ...ENV,
        key: {
          alias: "alias/team/vision",
          description: "Team vision data",
          rotationPeriodInDays: 180,
          deletionWindowInDays: 14,
          administratorArns: [EXAMPLE_ADMIN],
        },
        keyUserArns: [EXAMPLE_USER, "arn:aws:sts::333333333333:assumed-role/Trainer/session"],
        consoleBucket: { suffix: "team-a" },
        outputBuckets: [
          { id: "experiments", prefix: "experiments/" },
          { id: "models", bucketName: "engine-test-models" },
        ],
        bucketSettings: {
          versioned: false,
          minimumTlsVersion: "1.3",
          abortIncompleteMultipartUploadDays: 3,
          forceDestroy: true,
          accessLogs: { targetPrefix: "logs/", expireAfterDays: 30 },
        },
        userPolicy: { namePrefix: "team-a-", attachToRoleNames: ["TrainerA", "TrainerB"] },
        tags: { project: "lookout-vision" },
        outputs: false,
      },
    },
  ],
  "bring-your-own key, Rekognition Custom Labels, no console bucket": [
    {
      id: "byok",
      props: {
        ...ENV,
        profile: REKOGNITION_CUSTOM_LABELS,
        key: { existingKeyArn: EXAMPLE_KEY_ARN },
        keyUserArns: [EXAMPLE_USER],
        consoleBucket: false,
        outputBuckets: [{ id: "models", bucketName: "engine-test-byok-models" }],
        bucketSettings: { accessLogs: true },
        userPolicy: { attachToRoleNames: ["Trainer"] },
        outputs: false,
      },
    },
  ],
  "no account root statement, no user policy, no key users": [
    {
      id: "noroot",
      props: {
        ...ENV,
        key: { allowAccountRootAccess: false, administratorArns: [EXAMPLE_ADMIN] },
        consoleBucket: { suffix: "noroot" },
        userPolicy: false,
        outputs: false,
      },
    },
  ],
  "a multi-region primary and its replica in another region": [
    {
      id: "primary",
      props: {
        ...ENV,
        key: { multiRegion: true },
        keyUserArns: [EXAMPLE_USER],
        consoleBucket: { suffix: "primary" },
        outputBuckets: [{ id: "models", bucketName: "engine-test-models-use1" }],
        outputs: false,
      },
    },
    {
      id: "replica",
      replicaOf: "primary",
      props: {
        ...ENV,
        region: "eu-west-1",
        keyUserArns: [EXAMPLE_USER],
        outputBuckets: [{ id: "models", bucketName: "engine-test-models-euw1" }],
        outputs: false,
      },
    },
  ],
};

/** Resource types with a tags argument (the module sets it on each). */
const TAGGED = ["aws_kms_key", "aws_kms_replica_key", "aws_s3_bucket", "aws_iam_policy"];

/** ARNs for the resources whose ARNs other arguments take, the same on both sides, told apart by bucket. */
const ARNS: Record<string, Record<string, string>> = {
  ...ARN_OVERRIDES,
  "aws_s3_bucket.console": { arn: "arn:aws:s3:::console-bucket" },
  "aws_s3_bucket.output": { arn: "arn:aws:s3:::output-bucket" },
  "aws_s3_bucket.access_logs": { arn: "arn:aws:s3:::log-bucket" },
};

/** The row of a construct resource: its path below the composite (`<id>`, `<role>` standing for the key) and its type. */
function rowOf(relative: string, type: string): { row: AddressRow; key?: string } {
  for (const row of ADDRESS_TABLE) {
    if (typeOf.get(row) !== type) continue;
    const pattern = new RegExp(`^${row.construct.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/<(id|role)>/, "(.+)")}$`);
    const match = pattern.exec(relative);
    if (match) return { row, key: match[1] };
  }
  throw new Error(`no address table row for ${relative} (${type})`);
}

describe("the module and the constructs, same inputs, side by side under the mocked provider", () => {
  // A root holding the module's own files and the constructs of every scenario, synthesized: each
  // run gives the module one composite's inputs and compares every resource with that composite's
  // (a root module can name the resources of both; a module call would hide the module's).
  const composites = Object.values(SCENARIOS).flat();
  const dir = tempDir("terraform-module-same");
  const app = new App({ outdir: path.join(dir, "cdktf.out"), skipValidation: true });
  const stack = new TerraformStack(app, "constructs");
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  const built = new Map<string, LookoutVisionEncryption>();
  for (const c of composites) {
    const props = c.replicaOf ? { ...c.props, key: { replicaOf: built.get(c.replicaOf)!.key } } : c.props;
    built.set(c.id, new LookoutVisionEncryption(stack, c.id, props));
  }
  app.synth();
  const json = JSON.parse(fs.readFileSync(path.join(dir, "cdktf.out", "stacks", "constructs", "cdk.tf.json"), "utf8")) as {
    resource: Record<string, Record<string, { "//": { metadata: { path: string } } }>>;
  };

  /** Construct resources and their module instances, by the address table. */
  const pairs: { composite: string; module: string; construct: string; policy: boolean; tags: boolean }[] = [];
  const overrides = new Map<string, HclBlock>();
  const runs: HclBlock[] = [];
  for (const c of composites) {
    const instances = new Map(model.main.resources.map((r) => [`${r.type}.${r.row.name}`, [] as string[]]));
    for (const [type, byId] of Object.entries(json.resource)) {
      for (const [id, body] of Object.entries(byId)) {
        const relative = body["//"].metadata.path.split("/").slice(1);
        if (relative[0] !== c.id) continue;
        const { row, key } = rowOf(relative.slice(1).join("/"), type);
        const resource = `${type}.${row.name}`;
        instances.get(resource)!.push(key ?? "0");
        pairs.push({
          composite: c.id,
          module: `${resource}${row.each ? `["${key}"]` : row.when.length > 0 ? "[0]" : ""}`,
          construct: `${type}.${id}`,
          policy: "policy" in body,
          tags: TAGGED.includes(type),
        });
        const arn = ARNS[resource];
        for (const target of arn ? [resource, `${type}.${id}`] : [])
          overrides.set(target, block("override_resource", [], [attribute("target", expr(target)), attribute("values", arn)]));
      }
    }
    // Policies compare as JSON documents; tags as maps: the module writes `tags = var.tags`, {} by
    // default, where the constructs leave tags out (the same for AWS: no tags).
    const others = (address: string) => `{ for name, value in ${address} : name => value if !contains(["policy", "tags"], name) }`;
    const tags = (address: string) => `jsonencode(coalesce(${address}.tags, {}))`;
    const mine = pairs.filter((p) => p.composite === c.id);
    const conditions = [
      ...[...instances].map(([resource, keys]) =>
        model.main.resources.find((r) => `${r.type}.${r.row.name}` === resource)!.row.each
          ? `toset(keys(${resource})) == toset(${JSON.stringify(keys)})`
          : `length(${resource}) == ${keys.length}`,
      ),
      ...mine.map((p) => `${others(p.module)} == ${others(p.construct)}`),
      ...mine.filter((p) => p.tags).map((p) => `${tags(p.module)} == ${tags(p.construct)}`),
      ...mine.filter((p) => p.policy).map((p) => `jsondecode(${p.module}.policy) == jsondecode(${p.construct}.policy)`),
    ];
    const args = moduleArguments(c.replicaOf ? { ...c.props, key: { replicaOf: built.get(c.replicaOf)!.key } } : c.props);
    runs.push(
      block(
        "run",
        [c.id],
        [
          attribute("command", expr("plan")),
          block(
            "variables",
            [],
            Object.entries(args).map(([k, v]) => attribute(k, v)),
          ),
          ...conditions.map((condition) =>
            block("assert", [], [attribute("condition", expr(condition)), attribute("error_message", condition.replace(/"/g, "'"))]),
          ),
        ],
      ),
    );
  }

  beforeAll(() => {
    for (const file of ["versions.tf", "variables.tf", "main.tf", "outputs.tf"]) fs.copyFileSync(path.join(moduleDir, file), path.join(dir, file));
    // The module's versions.tf names the provider; the constructs' provider block and pins are left out.
    const withoutProvider = Object.fromEntries(Object.entries(json).filter(([key]) => !["terraform", "provider"].includes(key)));
    fs.writeFileSync(path.join(dir, "constructs.tf.json"), JSON.stringify(withoutProvider));
    fs.mkdirSync(path.join(dir, "tests"));
    fs.writeFileSync(
      path.join(dir, "tests", "same.tftest.hcl"),
      renderFile([block("mock_provider", ["aws"], []), ...environmentOverrides("", true), ...overrides.values(), ...runs]),
    );
    tofuOk(dir, ["init", "-backend=false", "-input=false", "-no-color"]);
  });

  it("pairs every construct resource of every scenario with a module instance", () => {
    for (const c of composites) expect({ composite: c.id, pairs: pairs.some((p) => p.composite === c.id) }).toEqual({ composite: c.id, pairs: true });
    const total = Object.values(json.resource).reduce((n, byId) => n + Object.keys(byId).length, 0);
    expect(pairs).toHaveLength(total);
  });

  it("plan the same instances, with equal arguments and the same policies", async () => {
    const result = await tofuAsync(dir, ["test", "-no-color"], "schema-only");
    expect(`${result.stdout}\n${result.stderr}`).toContain(`Success! ${composites.length} passed, 0 failed.`);
  });
});
