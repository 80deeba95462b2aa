import * as fs from "node:fs";
import * as path from "node:path";
import { App, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { ADDRESS_TABLE, AddressRow, COLLECTIONS, Condition } from "../modules/terraform-module/address-table";
import { writeModule } from "../modules/terraform-module/build";
import { EXAMPLES, ModuleCall, moduleCallBlock } from "../modules/terraform-module/examples";
import { HclBlock, attribute, block, renderFile } from "../modules/terraform-module/hcl-block";
import { HclValue, expr } from "../modules/terraform-module/hcl-expression";
import { buildModel, buildModuleFiles } from "../modules/terraform-module/module-files";
import { environmentOverrides } from "../modules/terraform-module/module-tests";
import { MODULE_NAME } from "../modules/terraform-module/readme";
import { EXAMPLE_ACCOUNT, EXAMPLE_ADMIN, EXAMPLE_KEY_ARN, EXAMPLE_USER } from "../modules/terraform-module/variables";
import { LookoutVisionEncryption, LookoutVisionEncryptionProps } from "../modules/lookout-vision-encryption";
import { REKOGNITION_CUSTOM_LABELS } from "../modules/service-profile";
import { describeDiagnostics, engineOverride, removeTempDirs, tempDir, tofu, tofuOk, validate, writeEngineOverride } from "./engine";

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

afterAll(removeTempDirs);

interface PlannedChange {
  readonly address: string;
  readonly change: { readonly actions: string[] };
}

function plannedAddresses(dir: string): { address: string; actions: string[] }[] {
  tofuOk(dir, ["plan", "-refresh=false", "-input=false", "-lock=false", "-no-color", "-out=tfplan"]);
  const plan = JSON.parse(tofuOk(dir, ["show", "-json", "tfplan"])) as { resource_changes: PlannedChange[] };
  return plan.resource_changes.filter((c) => !c.address.includes("data.")).map((c) => ({ address: c.address, actions: c.change.actions }));
}

/** The type of each row's resource, as the module declares it. */
const typeOf = new Map(model.main.resources.map((r) => [r.row, r.type]));

/** Which module instances module arguments create: the table's conditions evaluated on them. */
function expectedInstances(args: Readonly<Record<string, HclValue>>, prefix: string): string[] {
  const key = (args.key ?? {}) as Record<string, unknown>;
  const on: Record<Condition, boolean> = {
    newKey: key.existing_key_arn === undefined && key.replica_of === undefined,
    replicaKey: key.replica_of !== undefined,
    ownKey: key.existing_key_arn === undefined,
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

  it("validates with no error and no warning", () => {
    const result = validate(moduleDir);
    expect(describeDiagnostics(result)).toBe("");
    expect(result).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
  });

  it("passes its own tofu test files: every run, none skipped", () => {
    const runs = model.tests.reduce((n, t) => n + t.runs.length, 0);
    const output = tofuOk(moduleDir, ["test", "-no-color"]);
    expect(output).toContain(`Success! ${runs} passed, 0 failed.`);
  });

  it("refuses each bad input with the message its rule promises (the TypeScript check's words)", () => {
    const rules = [...model.variables.flatMap((v) => v.rules), ...model.resourceRules.map((r) => r.rule)];
    const dir = path.join(moduleDir, "messages");
    fs.mkdirSync(dir);
    const runs = rules.map((rule) => block("run", [rule.id], [attribute("command", expr("plan")), block("variables", [], Object.entries({ key_user_arns: [EXAMPLE_USER], ...rule.bad }).map(([k, v]) => attribute(k, v)))]));
    fs.writeFileSync(path.join(dir, "messages.tftest.hcl"), renderFile([block("mock_provider", ["aws"], []), ...environmentOverrides(), ...runs]));
    const result = tofu(moduleDir, ["test", "-test-directory=messages", "-json", "-no-color"]);
    fs.rmSync(dir, { recursive: true });
    const lines = result.stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l) as { type: string; "@testrun"?: string; diagnostic?: { severity: string; detail?: string } });
    const messages = new Map<string, string[]>();
    for (const line of lines.filter((l) => l.type === "diagnostic" && l.diagnostic?.severity === "error" && l["@testrun"])) {
      messages.set(line["@testrun"]!, [...(messages.get(line["@testrun"]!) ?? []), line.diagnostic!.detail ?? ""]);
    }
    for (const rule of rules) expect({ rule: rule.id, messages: messages.get(rule.id) }).toEqual({ rule: rule.id, messages: [rule.expectedMessage] });
  });
});

describe.each(EXAMPLES.map((e) => [e.name, e] as const))("example %s through the engine", (_name, example) => {
  const dir = path.join(moduleDir, "examples", example.name);

  beforeAll(() => {
    // Test only: offline provider settings, and the account given so no STS call is needed.
    const override = {
      ...engineOverride({ provider: { aws: example.providers.map((p) => (p.alias ? { alias: p.alias } : {})) } }),
      module: Object.fromEntries(example.calls.map((c) => [c.name, { account_id: EXAMPLE_ACCOUNT }])),
    };
    fs.writeFileSync(path.join(dir, "engine_override.tf.json"), JSON.stringify(override, null, 2));
    tofuOk(dir, ["init", "-input=false", "-no-color"]);
  });

  it("validates with no error and no warning", () => {
    const result = validate(dir);
    expect(describeDiagnostics(result)).toBe("");
    expect(result).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
  });

  it("plans offline: the resources its arguments switch on, all to create", () => {
    const planned = plannedAddresses(dir);
    const expected = example.calls.flatMap((c: ModuleCall) => expectedInstances(c.arguments, `module.${c.name}.`));
    expect(planned.map((p) => p.address).sort()).toEqual(expected.sort());
    expect(new Set(planned.flatMap((p) => p.actions))).toEqual(new Set(["create"]));
  });
});

describe("prevent_destroy through the engine", () => {
  it("refuses a plan that destroys the key or a data bucket, and allows one that destroys an alias", () => {
    const dir = tempDir("terraform-module-destroy");
    const call: ModuleCall = { name: "m", arguments: { key_user_arns: [EXAMPLE_USER], account_id: EXAMPLE_ACCOUNT, output_buckets: { models: { bucket_name: "engine-test-models" } }, access_logs: { enabled: true } } };
    fs.writeFileSync(path.join(dir, "main.tf"), renderFile([block("provider", ["aws"], [attribute("region", "us-east-1")]), moduleCallBlock(call, moduleDir)]));
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
        instance("aws_s3_bucket", "output", "models", { id: "engine-test-models", bucket: "engine-test-models", arn: "arn:aws:s3:::engine-test-models" }),
        instance("aws_s3_bucket", "access_logs", 0, { id: "logs", bucket: "logs", arn: "arn:aws:s3:::logs" }),
      ],
    };
    fs.writeFileSync(path.join(dir, "terraform.tfstate"), JSON.stringify(state));
    tofuOk(dir, ["init", "-input=false", "-no-color"]);
    const result = tofu(dir, ["plan", "-destroy", "-refresh=false", "-input=false", "-lock=false", "-no-color"]);
    expect(result.status).toBe(1);
    const refused = [...result.stderr.matchAll(/Resource (module\.m\.\S+) has lifecycle\.prevent_destroy set/g)].map((m) => m[1]).sort();
    expect(refused).toEqual(['module.m.aws_kms_key.this[0]', 'module.m.aws_s3_bucket.access_logs[0]', 'module.m.aws_s3_bucket.console[0]', 'module.m.aws_s3_bucket.output["models"]']);
  });
});

// The module and the constructs with the same inputs, planned together in one root (the
// synthesized stack and a module call side by side) under the mocked provider: every resource of
// the constructs has its module instance, every argument is equal, every policy the same JSON.

/** Module arguments for composite props: the mapping docs/terraform-module.md tabulates. */
function moduleArguments(props: LookoutVisionEncryptionProps, primary?: string): Record<string, HclValue> {
  const k = props.key ?? {};
  const settings = props.bucketSettings ?? {};
  const logs = settings.accessLogs;
  const compact = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Record<string, HclValue>;
  return compact({
    service_profile: props.profile?.slug,
    region: props.region,
    account_id: props.accountId,
    key: compact({
      existing_key_arn: k.existingKeyArn,
      replica_of: k.replicaOf ? expr(`module.${primary}.key_arn`) : undefined,
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
    access_logs: logs ? compact({ enabled: true, ...(logs === true ? {} : { target_prefix: logs.targetPrefix, expire_after_days: logs.expireAfterDays }) }) : undefined,
    user_policy: props.userPolicy === false ? { create: false } : compact({ name_prefix: props.userPolicy?.namePrefix, attach_to_role_names: props.userPolicy?.attachToRoleNames }),
    tags: props.tags,
  });
}

const ENV = { region: "us-east-1", accountId: EXAMPLE_ACCOUNT, partition: "aws" };
const SCENARIOS: [string, { id: string; call: string; props: LookoutVisionEncryptionProps }[]][] = [
  [
    "every setting away from its default",
    [
      {
        id: "Encryption",
        call: "encryption",
        props: {
          ...ENV,
          key: { alias: "alias/team/vision", description: "Team vision data", rotationPeriodInDays: 180, deletionWindowInDays: 14, administratorArns: [EXAMPLE_ADMIN] },
          keyUserArns: [EXAMPLE_USER, "arn:aws:sts::333333333333:assumed-role/Trainer/session"],
          consoleBucket: { suffix: "team-a" },
          outputBuckets: [{ id: "experiments", prefix: "experiments/" }, { id: "models", bucketName: "engine-test-models" }],
          bucketSettings: { versioned: false, minimumTlsVersion: "1.3", abortIncompleteMultipartUploadDays: 3, forceDestroy: true, accessLogs: { targetPrefix: "logs/", expireAfterDays: 30 } },
          userPolicy: { namePrefix: "team-a-", attachToRoleNames: ["TrainerA", "TrainerB"] },
          tags: { project: "lookout-vision" },
        },
      },
    ],
  ],
  [
    "bring-your-own key, Rekognition Custom Labels, no console bucket",
    [
      {
        id: "Encryption",
        call: "encryption",
        props: {
          ...ENV,
          profile: REKOGNITION_CUSTOM_LABELS,
          key: { existingKeyArn: EXAMPLE_KEY_ARN },
          keyUserArns: [EXAMPLE_USER],
          consoleBucket: false,
          outputBuckets: [{ id: "models", bucketName: "engine-test-models" }],
          bucketSettings: { accessLogs: true },
          userPolicy: { attachToRoleNames: ["Trainer"] },
        },
      },
    ],
  ],
  [
    "no account root statement, no user policy, no key users",
    [{ id: "Encryption", call: "encryption", props: { ...ENV, key: { allowAccountRootAccess: false, administratorArns: [EXAMPLE_ADMIN] }, userPolicy: false } }],
  ],
  [
    "a multi-region primary and its replica in another region",
    [
      { id: "Primary", call: "primary", props: { ...ENV, key: { multiRegion: true }, keyUserArns: [EXAMPLE_USER], outputBuckets: [{ id: "models", bucketName: "engine-test-models-use1" }], outputs: false } },
      { id: "Replica", call: "replica", props: { ...ENV, region: "eu-west-1", keyUserArns: [EXAMPLE_USER], outputBuckets: [{ id: "models", bucketName: "engine-test-models-euw1" }], outputs: false } },
    ],
  ],
];

/** ARNs for the resources whose ARNs policies name, so that each policy names the right one. */
const ARNS: Record<string, Record<string, string>> = {
  "aws_s3_bucket.console": { arn: "arn:aws:s3:::console-bucket" },
  "aws_s3_bucket.output": { arn: "arn:aws:s3:::output-bucket" },
  "aws_s3_bucket.access_logs": { arn: "arn:aws:s3:::log-bucket" },
};

/** The row of a construct resource: its path below the composite, `<id>`/`<role>` for the key, and its type. */
function rowOf(relative: string, type: string): { row: AddressRow; key?: string } {
  for (const row of ADDRESS_TABLE) {
    if (typeOf.get(row) !== type) continue;
    const pattern = new RegExp(`^${row.construct.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/<(id|role)>/, "(.+)")}$`);
    const match = pattern.exec(relative);
    if (match) return { row, key: match[1] };
  }
  throw new Error(`no address table row for ${relative} (${type})`);
}

describe.each(SCENARIOS)("the module and the constructs: %s", (_name, composites) => {
  it("plan the same resources with the same arguments and policies", () => {
    const dir = tempDir("terraform-module-same");
    const app = new App({ outdir: path.join(dir, "cdktf.out"), skipValidation: true });
    const stack = new TerraformStack(app, "constructs");
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    const built = new Map<string, LookoutVisionEncryption>();
    for (const c of composites) {
      const primary = built.get("Primary");
      const props = c.id === "Replica" && primary ? { ...c.props, key: { replicaOf: primary.key } } : c.props;
      built.set(c.id, new LookoutVisionEncryption(stack, c.id, props));
    }
    app.synth();
    const json = JSON.parse(fs.readFileSync(path.join(dir, "cdktf.out", "stacks", "constructs", "cdk.tf.json"), "utf8")) as {
      resource: Record<string, Record<string, { "//": { metadata: { path: string } } }>>;
    };
    fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(json));
    writeEngineOverride(dir, json);
    const calls = composites.map((c) => ({ name: c.call, arguments: moduleArguments(c.id === "Replica" ? { ...c.props, key: { replicaOf: built.get("Primary")!.key } } : c.props, "primary") }));
    fs.writeFileSync(path.join(dir, "modules.tf"), renderFile(calls.map((call) => moduleCallBlock(call, moduleDir))));

    // Construct resource → module instance, by the address table.
    const pairs: { module: string; construct: string; policy: boolean }[] = [];
    const overrides: HclBlock[] = [];
    const counts = new Map<string, string[]>();
    for (const c of composites) {
      for (const r of model.main.resources) counts.set(`module.${c.call}.${r.type}.${r.row.name}`, []);
      for (const [type, byId] of Object.entries(json.resource)) {
        for (const [id, body] of Object.entries(byId)) {
          const relative = body["//"].metadata.path.split("/").slice(1);
          if (relative[0] !== c.id) continue;
          const { row, key } = rowOf(relative.slice(1).join("/"), type);
          const resource = `module.${c.call}.${type}.${row.name}`;
          const index = row.each ? `["${key}"]` : row.when.length > 0 ? "[0]" : "";
          counts.get(resource)!.push(key ?? "0");
          pairs.push({ module: `${resource}${index}`, construct: `${type}.${id}`, policy: "policy" in body });
          const arn = ARNS[`${type}.${row.name}`];
          if (arn) overrides.push(...[resource, `${type}.${id}`].map((target) => block("override_resource", [], [attribute("target", expr(target)), attribute("values", arn)])));
        }
      }
    }
    expect(pairs.length).toBeGreaterThan(10);
    const dedupedOverrides = overrides.filter((o, i) => overrides.findIndex((p) => JSON.stringify(p) === JSON.stringify(o)) === i);
    const withoutPolicy = (address: string) => `{ for name, value in ${address} : name => value if name != "policy" }`;
    const asserts = [
      ...[...counts].map(([resource, keys]) => {
        const each = model.main.resources.find((r) => resource.endsWith(`.${r.type}.${r.row.name}`))!.row.each;
        return each ? `keys(${resource}) == tolist(${JSON.stringify([...keys].sort())})` : `length(${resource}) == ${keys.length}`;
      }),
      ...pairs.map((p) => `${withoutPolicy(p.module)} == ${withoutPolicy(p.construct)}`),
      ...pairs.filter((p) => p.policy).map((p) => `jsondecode(${p.module}.policy) == jsondecode(${p.construct}.policy)`),
    ].map((condition) => block("assert", [], [attribute("condition", expr(condition)), attribute("error_message", condition.replace(/"/g, "'"))]));
    const moduleData = composites.flatMap((c) => environmentOverrides(c.props.region ?? "us-east-1", `module.${c.call}.`));
    fs.mkdirSync(path.join(dir, "tests"));
    fs.writeFileSync(
      path.join(dir, "tests", "same.tftest.hcl"),
      renderFile([block("mock_provider", ["aws"], []), ...moduleData, ...dedupedOverrides, block("run", ["same"], [attribute("command", expr("plan")), ...asserts])]),
    );
    tofuOk(dir, ["init", "-input=false", "-no-color"]);
    const result = tofu(dir, ["test", "-no-color"]);
    expect(`${result.stdout}\n${result.stderr}`).toContain("Success! 1 passed, 0 failed.");
  });
});
