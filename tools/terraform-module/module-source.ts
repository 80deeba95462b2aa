import { Fn, IResolvable, TerraformStack, Token, ref } from "cdktf";
import { Construct } from "constructs";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { AccessLogBucket } from "../../modules/access-log-bucket";
import { MinimumTlsVersion } from "../../modules/bucket-options";
import { ConsoleBucket } from "../../modules/console-bucket";
import { LookoutVisionKey } from "../../modules/lookout-vision-key";
import { OutputBucket } from "../../modules/output-bucket";
import { NAMES } from "../../modules/private/defaults";
import { addUserPolicyResources } from "../../modules/private/user-policy-resources";
import { LOOKOUT_FOR_VISION, ServiceProfile } from "../../modules/service-profile";

/** A Terraform expression where the constructs take a string, number, list or map. */
export const str = (expression: string): string => Token.asString(ref(expression));
const num = (expression: string): number => Token.asNumber(ref(expression));
const list = (expression: string): string[] => Token.asList(ref(expression));
const bool = (expression: string): IResolvable => ref(expression);
/** The module's input where one is given, else what the constructs would choose: `coalesce(var.x, <default>)`. */
const givenOr = (expression: string, otherwise: string): string => Token.asString(Fn.coalesce([ref(expression), otherwise]));

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
 * once, with the names and defaults the constructs use (modules/private/defaults.ts). Which of
 * them exist, and how often, is the address table's business (`count`, `for_each`); the
 * policies are written by module-policies.ts, with Terraform conditions where the constructs
 * decide in TypeScript. Never synthesized: the builder reads its resources.
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

    const keySettings = {
      ...env,
      profile: PROFILE,
      alias: givenOr("var.key.alias", NAMES.keyAlias(PROFILE)),
      description: givenOr("var.key.description", NAMES.keyDescription(PROFILE)),
      deletionWindowInDays: num("var.key.deletion_window_in_days"),
      tags,
    };
    this.key = new LookoutVisionKey(this, "Key", {
      ...keySettings,
      rotationPeriodInDays: num("var.key.rotation_period_in_days"),
      multiRegion: bool("var.key.multi_region"),
    });
    const primary = LookoutVisionKey.fromKeyArn(this, "PrimaryKey", str("var.key.replica_of.primary_key_arn"), { ...env, profile: PROFILE });
    this.replicaKey = new LookoutVisionKey(this, "ReplicaKey", { ...keySettings, replicaOf: primary });

    const minimumTlsVersion = str("var.bucket_settings.minimum_tls_version") as MinimumTlsVersion;
    const forceDestroy = bool("var.bucket_settings.force_destroy");
    this.accessLogs = new AccessLogBucket(this, "AccessLogs", {
      ...env,
      bucketPrefix: NAMES.sharedLogBucketPrefix(PROFILE),
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
      accessLogs: logsUnder(NAMES.consoleLogPrefix),
    });
    this.outputBucket = new OutputBucket(this, NAMES.outputBucketId("<id>"), {
      ...bucketSettings,
      profile: PROFILE,
      bucketName: str("each.value.bucket_name"),
      prefix: str("each.value.prefix"),
      accessLogs: logsUnder(NAMES.outputLogPrefix(str("each.key"))),
    });
    // The buckets take the key as `local.key_arn`: they depend on the keys the module makes as
    // EncryptedBucket does on a LookoutVisionKey, so destroy deletes a key only after them.
    const keys = [this.key.resource, this.replicaKey.resource];
    const addresses = keys.map((key) => `${key.terraformResourceType}.${key.friendlyUniqueId}`);
    for (const bucket of [this.consoleBucket, this.outputBucket]) bucket.bucket.dependsOn = addresses;

    this.userPolicy = addUserPolicyResources(this, {
      profile: PROFILE,
      namePrefix: givenOr("var.user_policy.name_prefix", NAMES.userPolicyNamePrefix(PROFILE)),
      // Written by module-policies.ts.
      policy: "",
      tags,
      roles: { "<role>": str("each.value") },
    });
  }
}
