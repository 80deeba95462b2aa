import { Fn, IResolvable, TerraformStack, Token, ref } from "cdktf";
import { Construct } from "constructs";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { KmsReplicaKey } from "@cdktf/provider-aws/lib/kms-replica-key";
import { AccessLogBucket } from "../../modules/access-log-bucket";
import { MinimumTlsVersion } from "../../modules/private/bucket-baseline";
import { ConsoleBucket } from "../../modules/console-bucket";
import { LookoutVisionKey } from "../../modules/lookout-vision-key";
import { OutputBucket } from "../../modules/output-bucket";
import { LOOKOUT_FOR_VISION, ServiceProfile } from "../../modules/service-profile";

/** A Terraform expression where the constructs take a string, number, list or map. */
export const str = (expression: string): string => Token.asString(ref(expression));
const num = (expression: string): number => Token.asNumber(ref(expression));
const list = (expression: string): string[] => Token.asList(ref(expression));
const bool = (expression: string): IResolvable => ref(expression);

/** `displayName` → `display_name`: the profile's fields as Terraform names them. */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** The service profile as the module holds it: `local.profile.<field>`, chosen by `var.service_profile`. */
const PROFILE = Object.fromEntries(
  Object.entries(LOOKOUT_FOR_VISION).map(([field, value]) => {
    const expression = `local.profile.${snakeCase(field)}`;
    return [field, Array.isArray(value) ? list(expression) : str(expression)];
  }),
) as unknown as ServiceProfile;

/**
 * The constructs with the module's inputs as props (Terraform expressions), so the module's
 * resources are the constructs' own: LookoutVisionEncryption's parts under the same IDs, each
 * once. Which of them exist, and how often, is the address table's business (`count`,
 * `for_each`); the policies are written by module-policies.ts, with Terraform conditions where
 * the constructs decide in TypeScript. Never synthesized: the builder reads its resources.
 */
export class ModuleSource extends TerraformStack {
  readonly key: LookoutVisionKey;
  readonly replicaKey: LookoutVisionKey;
  readonly accessLogs: AccessLogBucket;
  readonly consoleBucket: ConsoleBucket;
  readonly outputBucket: OutputBucket;
  readonly userPolicy: IamPolicy;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const env = { region: str("local.region"), accountId: str("local.account_id"), partition: str("local.partition") };
    const tags = Token.asStringMap(ref("var.tags"));

    const keySettings = { ...env, profile: PROFILE, deletionWindowInDays: num("var.key.deletion_window_in_days"), tags };
    this.key = new LookoutVisionKey(this, "Key", {
      ...keySettings,
      rotationPeriodInDays: num("var.key.rotation_period_in_days"),
      multiRegion: bool("var.key.multi_region"),
    });
    this.replicaKey = new LookoutVisionKey(this, "ReplicaKey", { ...keySettings, replicaOf: this.key });
    for (const key of [this.key.resource, this.replicaKey.resource] as (KmsKey | KmsReplicaKey)[]) {
      key.description = Token.asString(Fn.coalesce([ref("var.key.description"), key.descriptionInput]));
      // Both kinds of key take the one key policy (module-policies.ts).
      key.policy = str("local.key_policy");
    }
    (this.replicaKey.resource as KmsReplicaKey).primaryKeyArn = str("var.key.replica_of.primary_key_arn");
    // One alias for the key the module makes, new or replica.
    const alias = this.key.node.findChild("Alias") as KmsAlias;
    alias.name = Token.asString(Fn.coalesce([ref("var.key.alias"), alias.nameInput]));
    alias.targetKeyId = str("local.key_id");

    const minimumTlsVersion = str("var.bucket_settings.minimum_tls_version") as MinimumTlsVersion;
    const forceDestroy = bool("var.bucket_settings.force_destroy");
    this.accessLogs = new AccessLogBucket(this, "AccessLogs", {
      ...env,
      bucketPrefix: `${PROFILE.slug}-logs-`,
      expireAfterDays: num("var.access_logs.expire_after_days"),
      minimumTlsVersion,
      forceDestroy,
      tags,
    });
    const logsUnder = (prefix: string) => ({ destination: this.accessLogs, targetPrefix: `${str("var.access_logs.target_prefix")}${prefix}` });
    const bucketSettings = {
      ...env,
      encryptionKey: str("local.key_arn"),
      versioned: bool("var.bucket_settings.versioning"),
      minimumTlsVersion,
      abortIncompleteMultipartUploadDays: num("var.bucket_settings.abort_incomplete_multipart_upload_days"),
      forceDestroy,
      tags,
    };
    this.consoleBucket = new ConsoleBucket(this, "ConsoleBucket", {
      ...bucketSettings,
      profile: PROFILE,
      suffix: str("local.console_bucket_suffix"),
      accessLogs: logsUnder("console/"),
    });
    this.outputBucket = new OutputBucket(this, "OutputBucket-<id>", {
      ...bucketSettings,
      profile: PROFILE,
      bucketName: str("each.value.bucket_name"),
      prefix: str("each.value.prefix"),
      accessLogs: logsUnder(`output-${str("each.key")}/`),
    });

    this.userPolicy = new IamPolicy(this, "UserPolicy", {
      namePrefix: Token.asString(Fn.coalesce([ref("var.user_policy.name_prefix"), `${PROFILE.slug}-users-`])),
      description: `Use ${PROFILE.displayName} with its encrypted buckets and KMS key`,
      // Written by module-policies.ts.
      policy: "",
      tags,
    });
    new IamRolePolicyAttachment(this, "UserPolicyAttachment-<role>", { role: str("each.value"), policyArn: this.userPolicy.arn });
  }
}
