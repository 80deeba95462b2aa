import { Fn, IResolvable, TerraformLocal, TerraformOutput, TerraformResource, TerraformStack, TerraformVariable, Token, ref } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { resolveAwsEnvironment } from "../aws-environment";
import { LookoutVisionEncryption } from "../lookout-vision-encryption";
import { policyJson } from "../policies/policy-document";
import { ConditionalGroup } from "./conditional-resources";
import { ModuleInputs, declareInputs } from "./inputs";
import { resolveIn } from "./module-elements";

/** A group as the stack declares it: construct subtrees instead of addresses; substitutes keyed by token. */
interface GroupSpec {
  readonly condition: string;
  readonly scopes: readonly IConstruct[];
  readonly substitutes?: Readonly<Record<string, string>>;
}

function resourcesIn(scopes: readonly IConstruct[]): TerraformResource[] {
  return scopes.flatMap((s) => s.node.findAll()).filter(TerraformResource.isTerraformResource);
}

/** `one(type.name[*].attr)`: the attribute of a conditional resource, or null when it does not exist. */
function oneOf(resource: TerraformResource, attribute: string): string {
  return Token.asString(Fn.one(Token.asList(ref(`${resource.terraformResourceType}.${resource.friendlyUniqueId}[*].${attribute}`))));
}

/** A Terraform expression written out (cdktf would quote a string with `${` in it). */
function raw(expression: string): IResolvable {
  return ref(expression);
}

/** Bare Terraform expression of a token (`${x}` → `x`), for conditions and substitutes. */
function expressionOf(stack: TerraformStack, token: string): string {
  return (resolveIn(stack, token) as string).replace(/^\$\{([\s\S]*)\}$/, "$1");
}

/**
 * The plain Terraform module: LookoutVisionEncryption with Terraform variables as props, one
 * output bucket, and `count` on what the variables switch on or off (new key, console bucket,
 * access-log buckets). No provider and no backend: the caller configures both.
 */
export class TerraformModuleStack extends TerraformStack {
  readonly inputs: ModuleInputs;
  readonly encryption: LookoutVisionEncryption;
  private readonly groupSpecs: GroupSpec[];

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const inputs = (this.inputs = declareInputs(this));
    const env = resolveAwsEnvironment(this, "TerraformModule", {});
    // Their own scope: local names may repeat variable and output names.
    const locals = new Construct(this, "Locals");
    const local = (name: string, value: unknown) => {
      const l = new TerraformLocal(locals, name, value);
      l.overrideLogicalId(name);
      return l;
    };
    const root = local("account_root_arn", `arn:${env.partition}:iam::${env.accountId}:root`);
    // An empty principal list would make an invalid key policy statement; the account root in
    // its place grants nothing the root statement does not already grant.
    const orRoot = (list: TerraformVariable) => {
      const name = list.friendlyUniqueId;
      return local(name, raw(`length(var.${name}) > 0 ? var.${name} : [${expressionOf(this, root.asString)}]`)).asList;
    };

    const encryption = (this.encryption = new LookoutVisionEncryption(this, "Encryption", {
      key: {
        alias: inputs.keyAlias.stringValue,
        rotationPeriodInDays: inputs.rotationPeriodInDays.numberValue,
        deletionWindowInDays: inputs.deletionWindowInDays.numberValue,
        multiRegion: inputs.multiRegion.booleanValue,
        administratorArns: orRoot(inputs.administratorArns),
      },
      keyUserArns: orRoot(inputs.keyUserArns),
      consoleBucket: { suffix: Token.asString(Fn.coalesce([inputs.consoleBucketSuffix.stringValue, env.accountId])) },
      outputBuckets: [{ id: "output", bucketName: inputs.outputBucketName.stringValue, prefix: inputs.outputPrefix.stringValue }],
      bucketSettings: { versioned: inputs.versioning.booleanValue, accessLogs: true, forceDestroy: inputs.forceDestroy.booleanValue },
      outputs: false,
      tags: Token.asStringMap(inputs.tags.value),
    }));

    const key = encryption.key.resource as TerraformResource;
    const consoleBucket = encryption.consoleBucket!;
    // one(): the created key's ARN, or null when there is none (never an index into nothing).
    const keyArn = local("key_arn", Fn.conditional(raw("var.existing_key_arn != null"), inputs.existingKeyArn.stringValue, oneOf(key, "arn")));
    const consoleBucketArn = local("console_bucket_arn", `arn:${env.partition}:s3:::${consoleBucket.bucket.bucketInput}`);
    this.groupSpecs = [
      { condition: "var.existing_key_arn == null", scopes: [encryption.key], substitutes: { [encryption.key.keyArn]: expressionOf(this, keyArn.asString) } },
      { condition: "var.create_console_bucket", scopes: [consoleBucket], substitutes: { [consoleBucket.bucketArn]: expressionOf(this, consoleBucketArn.asString) } },
      {
        condition: "var.access_logs",
        scopes: [encryption.accessLogBucket!, ...encryption.buckets.map((b) => b.node.findChild("Logging"))],
      },
    ];
    this.addOutputs(keyArn.asString);
  }

  /** The groups with addresses and bare references, ready for `applyConditions`. */
  get conditionalGroups(): ConditionalGroup[] {
    return this.groupSpecs.map((spec) => ({
      condition: spec.condition,
      addresses: resourcesIn(spec.scopes).map((r) => `${r.terraformResourceType}.${r.friendlyUniqueId}`),
      substitutes: Object.fromEntries(Object.entries(spec.substitutes ?? {}).map(([from, to]) => [expressionOf(this, from), to])),
    }));
  }

  private addOutputs(keyArn: string): void {
    const enc = this.encryption;
    const consoleBucket = enc.consoleBucket!.bucket;
    const output = enc.outputBuckets.output;
    const alias = enc.key.node.findChild("Alias") as TerraformResource;
    const outputs: [string, unknown, string][] = [
      ["key_arn", keyArn, "ARN of the KMS key (created or existing)."],
      ["key_id", Fn.element(Fn.split("/", keyArn), 1), "ID of the KMS key."],
      ["key_alias", oneOf(alias, "name"), "Alias of the created key; null with existing_key_arn."],
      [
        "key_policy_statements_for_key_owner",
        Fn.conditional(raw("var.existing_key_arn != null"), policyJson(enc.keyPolicyStatementsForKeyOwner), null),
        "With existing_key_arn: key policy statements (JSON) the key's owner must add for key_user_arns; null otherwise.",
      ],
      ["console_bucket_name", oneOf(consoleBucket, "bucket"), "Name of the console bucket; null when create_console_bucket is false."],
      ["console_bucket_arn", oneOf(consoleBucket, "arn"), "ARN of the console bucket; null when create_console_bucket is false."],
      ["output_bucket_name", output.bucketName, "Name of the output bucket."],
      ["output_bucket_arn", output.bucketArn, "ARN of the output bucket."],
      ["output_config", Fn.jsonencode(output.outputConfig), "OutputConfig JSON for CreateModel: the output bucket and prefix."],
      ["user_policy_arn", enc.userPolicy!.arn, "ARN of the IAM policy for Lookout for Vision users: attach it to their roles."],
    ];
    // Their own scope: output names may repeat local names (key_arn).
    const scope = new Construct(this, "Outputs");
    for (const [name, value, description] of outputs) new TerraformOutput(scope, name, { value, description }).overrideLogicalId(name);
  }
}
