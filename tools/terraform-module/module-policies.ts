import { serviceEndpoint } from "../../modules/private/environment";
import { accessLogBucketPolicy } from "../../modules/policies/bucket-policy";
import { keyPolicy } from "../../modules/policies/key-policy";
import { keyUserStatements } from "../../modules/policies/kms-statements";
import { PolicyDocument, policyDocument } from "../../modules/policies/policy-document";
import { userPolicy } from "../../modules/policies/user-policy";
import { Expression, expr } from "./hcl-expression";
import { ModuleSource, str } from "./module-source";
import { listPlaceholder, policyExpression } from "./policy-expression";
import { ResourceAdditions } from "./module-resources";

/**
 * Every policy of the module, from the functions the constructs call, with the module's
 * Terraform values as inputs. Where a construct leaves a statement out in TypeScript (no
 * administrators, no key users, no data buckets), the module keeps it behind the same test as
 * a Terraform condition; lists the module knows only at plan time are list placeholders.
 */

/** What a statement's existence depends on, in module terms. */
const HAS_ADMINISTRATORS = "length(var.key.administrator_arns) > 0";
const HAS_KEY_USERS = "length(var.key_user_arns) > 0";
const HAS_DATA_BUCKETS = "length(local.data_bucket_arns) > 0";

/** `kms:ViaService` values: S3 and the profile's service in the module's region and partition. */
const ENDPOINT_ENV = { region: "${local.region}", dnsSuffix: "${local.dns_suffix}" };
export const S3_ENDPOINT = serviceEndpoint("s3", ENDPOINT_ENV);
export const SERVICE_ENDPOINT = serviceEndpoint("${local.profile.service_host}", ENDPOINT_ENV);
const ENDPOINTS = { serviceEndpoint: "${local.service_endpoint}", dataServiceEndpoints: ["${local.s3_endpoint}", "${local.service_endpoint}"] };

/** The key policy of a new or replica key (`local.key_policy`). */
export function keyPolicyExpression(): Expression {
  const doc = keyPolicy({
    ...ENDPOINTS,
    accountRootArn: "${local.account_root_arn}",
    administratorArns: listPlaceholder("admin"),
    keyUserArns: listPlaceholder("user"),
    callerAccounts: listPlaceholder("account"),
  });
  return policyExpression(doc, {
    lists: { admin: "distinct(var.key.administrator_arns)", user: "distinct(var.key_user_arns)", account: "local.key_user_accounts" },
    conditions: {
      EnableIamPoliciesOfAccount: "var.key.allow_account_root_access",
      AllowKeyAdministration: HAS_ADMINISTRATORS,
      AllowGrantsOnlyViaServiceForAwsResources: HAS_KEY_USERS,
      AllowDescribeKey: HAS_KEY_USERS,
      AllowDataUseOnlyViaServices: HAS_KEY_USERS,
    },
  });
}

/** For a bring-your-own key: the statements its owner adds to the key policy (`local.key_owner_policy`). */
export function keyOwnerPolicyExpression(): Expression {
  const doc = policyDocument(keyUserStatements({ ...ENDPOINTS, principalArns: listPlaceholder("principal"), resource: "*" }));
  return policyExpression(doc, { lists: { principal: "local.key_user_principals" } });
}

/** Both kinds of key take the one key policy, and the one alias names whichever the module made. */
const KEY_ADDITIONS: Record<string, ResourceAdditions> = {
  "aws_kms_key.this": { arguments: { policy: () => expr("local.key_policy") } },
  "aws_kms_replica_key.this": { arguments: { policy: () => expr("local.key_policy") } },
  "aws_kms_alias.this": { arguments: { target_key_id: () => expr("local.key_id") } },
};

/** The key, bucket and IAM policies (and the alias's key), as replacements of those arguments of their resources. */
export function policyAdditions(source: ModuleSource): Record<string, ResourceAdditions> {
  const bucketPolicy = (doc: PolicyDocument) => ({
    arguments: { policy: (resolve: (v: unknown) => unknown) => policyExpression(resolve(doc) as PolicyDocument) },
  });
  const logPolicy = accessLogBucketPolicy({
    bucketArn: source.accessLogs.bucketArn,
    enforceTls: true,
    minimumTlsVersion: str("var.bucket_settings.minimum_tls_version"),
    sourceBucketArns: listPlaceholder("arn"),
    accountId: "${local.account_id}",
  });
  const users = userPolicy({
    ...ENDPOINTS,
    keyArn: "${local.key_arn}",
    serviceActions: listPlaceholder("action"),
    bucketArns: listPlaceholder("arn"),
  });
  return {
    ...KEY_ADDITIONS,
    "aws_s3_bucket_policy.console": bucketPolicy(source.consoleBucket.policyDocument),
    "aws_s3_bucket_policy.output": bucketPolicy(source.outputBucket.policyDocument),
    "aws_s3_bucket_policy.access_logs": {
      arguments: {
        policy: (resolve) =>
          policyExpression(resolve(logPolicy) as PolicyDocument, {
            lists: { arn: "local.data_bucket_arns" },
            conditions: { AllowServerAccessLogDelivery: HAS_DATA_BUCKETS },
          }),
      },
    },
    "aws_iam_policy.users": {
      arguments: {
        policy: () =>
          policyExpression(users, {
            lists: { action: "local.profile.user_actions", arn: "local.data_bucket_arns" },
            conditions: { ListDataBuckets: HAS_DATA_BUCKETS, ReadWriteDataObjects: HAS_DATA_BUCKETS },
          }),
      },
    },
  };
}
