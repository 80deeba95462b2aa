import "cdktf/lib/testing/adapters/jest";
import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { IEncryptionKey, LookoutVisionKey, LookoutVisionKeyProps } from "../modules/lookout-vision-key";
import { KEY_ADMIN_ACTIONS, KEY_DATA_ACTIONS } from "../modules/policies/kms-statements";
import { keyPolicy } from "../modules/policies/key-policy";
import { REKOGNITION_CUSTOM_LABELS } from "../modules/service-profile";
import { onlyResource, parsePolicy, resourcesOf, sids, statement, synth } from "./helpers";

const ACCOUNT = "111111111111";
const ENV = { region: "us-east-1", accountId: ACCOUNT, partition: "aws" };
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/KeyAdmin`;
const USER = `arn:aws:iam::${ACCOUNT}:role/Trainer`;
const OTHER_ACCOUNT_USER = "arn:aws:iam::222222222222:role/Trainer";
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

function synthKey(props: LookoutVisionKeyProps = {}) {
  return synth((scope) => {
    new LookoutVisionKey(scope, "Key", { ...ENV, ...props });
  });
}

function keyPolicyOf(props: LookoutVisionKeyProps = {}) {
  return parsePolicy(onlyResource(synthKey(props).json, "aws_kms_key").policy);
}

describe("LookoutVisionKey resources", () => {
  it("creates a rotating key with safe defaults and prevent_destroy", () => {
    const { text } = synthKey();
    expect(text).toHaveResourceWithProperties(KmsKey, {
      enable_key_rotation: true,
      rotation_period_in_days: 365,
      deletion_window_in_days: 30,
      multi_region: false,
      region: "us-east-1",
      description: "Amazon Lookout for Vision data: training images, models and manifests",
      lifecycle: { prevent_destroy: true },
    });
  });

  it("creates an alias pointing at the key", () => {
    const { json, text } = synthKey({ alias: "alias/vision-data" });
    const keyName = Object.keys(resourcesOf(json, "aws_kms_key"))[0];
    expect(text).toHaveResourceWithProperties(KmsAlias, {
      name: "alias/vision-data",
      target_key_id: `\${aws_kms_key.${keyName}.key_id}`,
    });
  });

  it("defaults the alias from the service profile", () => {
    const { json } = synthKey({ profile: REKOGNITION_CUSTOM_LABELS });
    expect(onlyResource(json, "aws_kms_alias").name).toBe("alias/rekognition-custom-labels");
  });

  it("passes rotation period, deletion window, multi-region and tags through", () => {
    const key = onlyResource(
      synthKey({ rotationPeriodInDays: 90, deletionWindowInDays: 7, multiRegion: true, tags: { team: "vision" } }).json,
      "aws_kms_key",
    );
    expect(key).toMatchObject({ rotation_period_in_days: 90, deletion_window_in_days: 7, multi_region: true, tags: { team: "vision" } });
  });

  it("reads region, account and partition from data sources when not given", () => {
    const { json } = synth((scope) => {
      new LookoutVisionKey(scope, "Key", { keyUserArns: [USER] });
    });
    const key = onlyResource(json, "aws_kms_key");
    expect(key.region).toBeUndefined();
    const doc = parsePolicy(key.policy);
    const root = statement(doc, "EnableIamPoliciesOfAccount");
    expect(root.Principal).toEqual({
      AWS: [
        expect.stringMatching(
          /^arn:\$\{data\.aws_partition\.AwsEnvironment_partition_\w+\.partition\}:iam::\$\{data\.aws_caller_identity\.AwsEnvironment_identity_\w+\.account_id\}:root$/,
        ),
      ],
    });
    const grant = statement(doc, "AllowGrantsOnlyViaServiceForAwsResources");
    expect(grant.Condition?.StringEquals["kms:ViaService"]).toMatch(
      /^lookoutvision\.\$\{data\.aws_region\.AwsEnvironment_region_\w+\.region\}\.\$\{data\.aws_partition\.AwsEnvironment_partition_\w+\.dns_suffix\}$/,
    );
    expect(Object.keys(json.data as object).sort()).toEqual(["aws_caller_identity", "aws_partition", "aws_region"]);
  });

  it("uses the China DNS suffix in service endpoints of the aws-cn partition", () => {
    const doc = keyPolicyOf({ region: "cn-north-1", partition: "aws-cn", keyUserArns: ["arn:aws-cn:iam::111111111111:role/T"] });
    expect(statement(doc, "AllowDataUseOnlyViaServices").Condition?.StringEquals["kms:ViaService"]).toEqual([
      "s3.cn-north-1.amazonaws.com.cn",
      "lookoutvision.cn-north-1.amazonaws.com.cn",
    ]);
  });
});

describe("LookoutVisionKey key policy", () => {
  const doc = () => keyPolicyOf({ administratorArns: [ADMIN], keyUserArns: [USER, OTHER_ACCOUNT_USER] });

  it("has exactly the expected statements, in a stable order", () => {
    expect(sids(doc())).toEqual([
      "EnableIamPoliciesOfAccount",
      "AllowKeyAdministration",
      "AllowGrantsOnlyViaServiceForAwsResources",
      "AllowDescribeKey",
      "AllowDataUseOnlyViaServices",
    ]);
    expect(doc().Version).toBe("2012-10-17");
  });

  it("gives kms:* to the account root only", () => {
    const policy = doc();
    expect(statement(policy, "EnableIamPoliciesOfAccount")).toEqual({
      Sid: "EnableIamPoliciesOfAccount",
      Effect: "Allow",
      Principal: { AWS: [`arn:aws:iam::${ACCOUNT}:root`] },
      Action: ["kms:*"],
      Resource: "*",
    });
    const withStar = policy.Statement.filter((s) => s.Action.some((a) => a === "kms:*" || a === "*"));
    expect(withStar.map((s) => s.Principal)).toEqual([{ AWS: [`arn:aws:iam::${ACCOUNT}:root`] }]);
  });

  it("gives administrators management actions and no data or grant actions", () => {
    const admin = statement(doc(), "AllowKeyAdministration");
    expect(admin.Effect).toBe("Allow");
    expect(admin.Principal).toEqual({ AWS: [ADMIN] });
    expect(admin.Action).toEqual(KEY_ADMIN_ACTIONS);
    expect(admin.Condition).toBeUndefined();
    for (const forbidden of ["kms:Encrypt", "kms:Decrypt", "kms:CreateGrant", "kms:ReEncryptFrom", "kms:GenerateDataKey"]) {
      const matches = admin.Action.filter((a) => new RegExp(`^${a.replace("*", ".*")}$`).test(forbidden));
      expect({ forbidden, matches }).toEqual({ forbidden, matches: [] });
    }
  });

  it("lets key users create grants only via Lookout for Vision and only for AWS resources", () => {
    expect(statement(doc(), "AllowGrantsOnlyViaServiceForAwsResources")).toEqual({
      Sid: "AllowGrantsOnlyViaServiceForAwsResources",
      Effect: "Allow",
      Principal: { AWS: [USER, OTHER_ACCOUNT_USER] },
      Action: ["kms:CreateGrant"],
      Resource: "*",
      Condition: {
        StringEquals: { "kms:ViaService": "lookoutvision.us-east-1.amazonaws.com" },
        Bool: { "kms:GrantIsForAWSResource": "true" },
      },
    });
  });

  it("never allows kms:CreateGrant without both conditions", () => {
    for (const s of doc().Statement.filter((st) => st.Action.includes("kms:CreateGrant"))) {
      expect(s.Condition?.StringEquals?.["kms:ViaService"]).toBeDefined();
      expect(s.Condition?.Bool?.["kms:GrantIsForAWSResource"]).toBe("true");
    }
  });

  it("lets key users describe the key", () => {
    expect(statement(doc(), "AllowDescribeKey")).toEqual({
      Sid: "AllowDescribeKey",
      Effect: "Allow",
      Principal: { AWS: [USER, OTHER_ACCOUNT_USER] },
      Action: ["kms:DescribeKey"],
      Resource: "*",
    });
  });

  it("allows data use only via S3 and Lookout for Vision, from the key users' accounts", () => {
    expect(statement(doc(), "AllowDataUseOnlyViaServices")).toEqual({
      Sid: "AllowDataUseOnlyViaServices",
      Effect: "Allow",
      Principal: { AWS: [USER, OTHER_ACCOUNT_USER] },
      Action: KEY_DATA_ACTIONS,
      Resource: "*",
      Condition: {
        StringEquals: {
          "kms:ViaService": ["s3.us-east-1.amazonaws.com", "lookoutvision.us-east-1.amazonaws.com"],
          "kms:CallerAccount": [ACCOUNT, "222222222222"],
        },
      },
    });
  });

  it("never allows a data action to a non-root principal without kms:ViaService", () => {
    const dataAction = /^kms:(Decrypt|Encrypt|GenerateDataKey.*|ReEncrypt.*)$/;
    for (const s of doc().Statement) {
      const isRoot = JSON.stringify(s.Principal) === JSON.stringify({ AWS: [`arn:aws:iam::${ACCOUNT}:root`] });
      if (isRoot) continue;
      const expands = (pattern: string) =>
        ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom"].some((a) =>
          new RegExp(`^${pattern.replace(/\*/g, ".*")}$`).test(a),
        );
      if (s.Action.some((a) => dataAction.test(a) || expands(a))) {
        expect({ sid: s.Sid, via: s.Condition?.StringEquals?.["kms:ViaService"] }).toEqual({ sid: s.Sid, via: expect.anything() });
      }
    }
  });

  it("uses the Rekognition endpoint with the Custom Labels profile", () => {
    const policy = keyPolicyOf({ profile: REKOGNITION_CUSTOM_LABELS, keyUserArns: [USER] });
    expect(statement(policy, "AllowGrantsOnlyViaServiceForAwsResources").Condition?.StringEquals["kms:ViaService"]).toBe(
      "rekognition.us-east-1.amazonaws.com",
    );
  });

  it("omits user statements when there are no key users, and admin statement without admins", () => {
    expect(sids(keyPolicyOf())).toEqual(["EnableIamPoliciesOfAccount"]);
  });

  it("drops the root statement only when asked, keeping administrators", () => {
    expect(sids(keyPolicyOf({ allowAccountRootAccess: false, administratorArns: [ADMIN] }))).toEqual(["AllowKeyAdministration"]);
  });

  it("adds users and administrators added after construction, without duplicates", () => {
    const { json } = synth((scope) => {
      const key = new LookoutVisionKey(scope, "Key", { ...ENV, keyUserArns: [USER] });
      key.addKeyUser(USER);
      key.addKeyUser(OTHER_ACCOUNT_USER);
      key.addAdministrator(ADMIN);
    });
    const policy = parsePolicy(onlyResource(json, "aws_kms_key").policy);
    expect(statement(policy, "AllowDescribeKey").Principal).toEqual({ AWS: [USER, OTHER_ACCOUNT_USER] });
    expect(statement(policy, "AllowKeyAdministration").Principal).toEqual({ AWS: [ADMIN] });
  });

  it("derives the caller account of a token principal with a Terraform expression", () => {
    const { json } = synth((scope) => {
      const role = new TerraformVariable(scope, "role", { type: "string" });
      new LookoutVisionKey(scope, "Key", { ...ENV, keyUserArns: [role.stringValue] });
    });
    const policy = parsePolicy(onlyResource(json, "aws_kms_key").policy);
    expect(statement(policy, "AllowDataUseOnlyViaServices").Condition?.StringEquals["kms:CallerAccount"]).toEqual([
      ACCOUNT,
      '${element(split(":", var.role), 4)}',
    ]);
  });

  it("is a pure function callable without synthesizing", () => {
    const policy = keyPolicy({
      administratorArns: [],
      keyUserArns: [USER],
      serviceEndpoint: "lookoutvision.eu-west-1.amazonaws.com",
      dataServiceEndpoints: ["s3.eu-west-1.amazonaws.com"],
      callerAccounts: [ACCOUNT],
    });
    expect(sids(policy)).toEqual(["AllowGrantsOnlyViaServiceForAwsResources", "AllowDescribeKey", "AllowDataUseOnlyViaServices"]);
  });
});

describe("LookoutVisionKey bring-your-own and replicas", () => {
  it("creates nothing for an existing key and exposes its ARN and id, and none of a created key's members", () => {
    let key!: IEncryptionKey;
    const { json } = synth((scope) => {
      key = LookoutVisionKey.fromKeyArn(scope, "Key", KEY_ARN, ENV);
    });
    expect(json.resource).toBeUndefined();
    expect(key.keyArn).toBe(KEY_ARN);
    expect(key.keyId).toBe("1234abcd-12ab-34cd-56ef-1234567890ab");
    expect(key).not.toBeInstanceOf(LookoutVisionKey);
    for (const member of ["aliasName", "addKeyUser", "addAdministrator", "resource"]) expect(member in key).toBe(false);
  });

  it("lets an identity policy use a created or an imported key through the service and S3 alike", () => {
    let created!: LookoutVisionKey;
    let imported!: IEncryptionKey;
    synth((scope) => {
      created = new LookoutVisionKey(scope, "Created", ENV);
      imported = LookoutVisionKey.fromKeyArn(scope, "Imported", KEY_ARN, ENV);
    });
    const statements = imported.grantUseStatements();
    expect(sids({ Version: "2012-10-17", Statement: statements })).toEqual([
      "AllowGrantsOnlyViaServiceForAwsResources",
      "AllowDescribeKey",
      "AllowDataUseOnlyViaServices",
    ]);
    expect(statements.every((s) => s.Resource === KEY_ARN && s.Principal === undefined)).toBe(true);
    expect(statements[0].Condition?.StringEquals["kms:ViaService"]).toBe("lookoutvision.us-east-1.amazonaws.com");
    expect(JSON.parse(imported.grantUsePolicyJson()).Statement).toEqual(statements);
    expect(created.grantUseStatements().map((s) => ({ ...s, Resource: KEY_ARN }))).toEqual(statements);
  });

  it("creates an aws_kms_replica_key of a multi-region primary in the replica's region", () => {
    const { json } = synth((scope) => {
      const primary = new LookoutVisionKey(scope, "Primary", { ...ENV, multiRegion: true, keyUserArns: [USER] });
      new LookoutVisionKey(scope, "Replica", { ...ENV, region: "eu-west-1", replicaOf: primary, keyUserArns: [USER] });
    });
    const primaryName = Object.keys(resourcesOf(json, "aws_kms_key"))[0];
    const replica = onlyResource(json, "aws_kms_replica_key");
    expect(replica).toMatchObject({
      primary_key_arn: `\${aws_kms_key.${primaryName}.arn}`,
      region: "eu-west-1",
      deletion_window_in_days: 30,
      lifecycle: { prevent_destroy: true },
    });
    expect(statement(parsePolicy(replica.policy), "AllowGrantsOnlyViaServiceForAwsResources").Condition?.StringEquals["kms:ViaService"]).toBe(
      "lookoutvision.eu-west-1.amazonaws.com",
    );
    expect(Object.values(resourcesOf(json, "aws_kms_alias")).map((a) => a.region)).toEqual(["us-east-1", "eu-west-1"]);
  });

  it("replicates an imported multi-region primary key, by its ARN", () => {
    const primaryArn = "arn:aws:kms:us-east-1:111111111111:key/mrk-1234abcd12ab34cd56ef1234567890ab";
    const { json } = synth((scope) => {
      new LookoutVisionKey(scope, "Replica", {
        ...ENV,
        region: "eu-west-1",
        replicaOf: LookoutVisionKey.fromKeyArn(scope, "Primary", primaryArn, ENV),
      });
    });
    expect(resourcesOf(json, "aws_kms_key")).toEqual({});
    expect(onlyResource(json, "aws_kms_replica_key")).toMatchObject({ primary_key_arn: primaryArn, region: "eu-west-1" });
  });
});

describe("LookoutVisionKey unresolved values", () => {
  it("skips literal checks for Terraform variables (the module validates them)", () => {
    const { json } = synth((scope) => {
      const days = new TerraformVariable(scope, "days", { type: "number" });
      new LookoutVisionKey(scope, "Key", { ...ENV, deletionWindowInDays: days.numberValue });
    });
    expect(onlyResource(json, "aws_kms_key").deletion_window_in_days).toBe("${var.days}");
  });
});

describe("LookoutVisionKey determinism", () => {
  it("synthesizes byte-identical JSON for the same input", () => {
    const build = () => {
      const app = Testing.app();
      const stack = new TerraformStack(app, "stack");
      new LookoutVisionKey(stack, "Key", { ...ENV, administratorArns: [ADMIN], keyUserArns: [USER] });
      return Testing.synth(stack);
    };
    expect(build()).toBe(build());
  });
});
