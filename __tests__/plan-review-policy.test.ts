import { LooseStatement } from "../modules/private/policy-reading";
import { PolicyWidening, policyWidenings } from "../cli/plan-review/policy-diff";

// The policy comparison of the plan review, statement by statement: what lets more through is
// reported, what only looks different (order, formatting, single value or list) is not.

const ROOT = "arn:aws:iam::111111111111:root";
const TRAINER = "arn:aws:iam::111111111111:role/Trainer";
const ANALYST = "arn:aws:iam::111111111111:role/Analyst";
const VIA_S3 = { StringEquals: { "kms:ViaService": ["s3.us-east-1.amazonaws.com"] } };

const useKey: LooseStatement = {
  Sid: "AllowDataUse",
  Effect: "Allow",
  Principal: { AWS: [TRAINER] },
  Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
  Resource: "*",
  Condition: VIA_S3,
};
const denyPlainHttp: LooseStatement = {
  Sid: "DenyInsecureTransport",
  Effect: "Deny",
  Principal: "*",
  Action: "s3:*",
  Resource: ["arn:aws:s3:::data", "arn:aws:s3:::data/*"],
  Condition: { Bool: { "aws:SecureTransport": "false" } },
};
const root: LooseStatement = { Sid: "EnableIamPoliciesOfAccount", Effect: "Allow", Principal: { AWS: ROOT }, Action: "kms:*", Resource: "*" };

function kinds(widenings: PolicyWidening[]): string[] {
  return widenings.map((w) => `${w.kind} ${w.statement} ${w.element}`);
}

describe("policyWidenings: no change", () => {
  it("the same policy", () => {
    expect(policyWidenings([root, useKey, denyPlainHttp], [root, useKey, denyPlainHttp])).toEqual([]);
  });

  it("statements in another order", () => {
    expect(policyWidenings([root, useKey, denyPlainHttp], [denyPlainHttp, useKey, root])).toEqual([]);
  });

  it("single values as lists and lists in another order, action names in another case, condition values as booleans", () => {
    const rewritten: LooseStatement[] = [
      { ...root, Principal: { AWS: [ROOT] }, Action: ["KMS:*"], Resource: ["*"] },
      {
        ...useKey,
        Principal: { AWS: TRAINER },
        Action: ["kms:generatedatakey*", "kms:Decrypt"],
        Condition: { StringEquals: { "KMS:VIASERVICE": "s3.us-east-1.amazonaws.com" } },
      },
      {
        ...denyPlainHttp,
        Action: ["s3:*"],
        Resource: ["arn:aws:s3:::data/*", "arn:aws:s3:::data"],
        Condition: { Bool: { "aws:SecureTransport": false as unknown as string } },
      },
    ];
    expect(policyWidenings([root, useKey, denyPlainHttp], rewritten)).toEqual([]);
  });

  it('an account ID and its root ARN are the same principal; {AWS: "*"} is "*"', () => {
    expect(
      policyWidenings(
        [root, denyPlainHttp],
        [
          { ...root, Principal: { AWS: "111111111111" } },
          { ...denyPlainHttp, Principal: { AWS: ["*"] } },
        ],
      ),
    ).toEqual([]);
  });

  it("statements without Sid, matched by content whatever their order", () => {
    const a = { ...useKey, Sid: undefined };
    const b = { ...denyPlainHttp, Sid: "" };
    expect(policyWidenings([a, b], [b, a])).toEqual([]);
  });
});

describe("policyWidenings: narrowing is not a risk", () => {
  it.each<[string, LooseStatement]>([
    ["a principal removed from an Allow", { ...useKey, Principal: { AWS: [] } }],
    ["an action removed from an Allow", { ...useKey, Action: ["kms:Decrypt"] }],
    ["a condition added to an Allow", { ...useKey, Condition: { ...VIA_S3, StringLike: { "kms:CallerAccount": "111111111111" } } }],

    ["an Allow turned into a Deny", { ...useKey, Effect: "Deny" }],
  ])("%s", (_, changed) => {
    expect(policyWidenings([useKey], [changed])).toEqual([]);
  });

  it("a value removed from a positive test of an Allow", () => {
    const twoServices = {
      ...useKey,
      Condition: { StringEquals: { "kms:ViaService": ["s3.us-east-1.amazonaws.com", "lookoutvision.us-east-1.amazonaws.com"] } },
    };
    expect(policyWidenings([twoServices], [useKey])).toEqual([]);
  });

  const denyOtherAccounts: LooseStatement = {
    ...denyPlainHttp,
    Sid: "DenyOtherAccounts",
    Condition: { StringEquals: { "aws:PrincipalAccount": ["222222222222"] } },
  };
  it.each<[string, LooseStatement[], LooseStatement[]]>([
    ["a Deny widened to more actions", [denyPlainHttp], [{ ...denyPlainHttp, Action: ["s3:*", "kms:*"] }]],
    ["a Deny's condition removed (it now denies always)", [denyPlainHttp], [{ ...denyPlainHttp, Condition: undefined }]],
    [
      "a value added to a positive test of a Deny",
      [denyOtherAccounts],
      [{ ...denyOtherAccounts, Condition: { StringEquals: { "aws:PrincipalAccount": ["222222222222", "333333333333"] } } }],
    ],
    ["a Deny added", [denyPlainHttp], [denyPlainHttp, denyOtherAccounts]],
    ["an Allow removed", [root, useKey], [root]],
  ])("%s", (_, before, after) => {
    expect(policyWidenings(before, after)).toEqual([]);
  });
});

describe("policyWidenings: widening", () => {
  it("a principal added to an Allow", () => {
    const found = policyWidenings([useKey], [{ ...useKey, Principal: { AWS: [TRAINER, ANALYST] } }]);
    expect(found).toEqual([
      {
        kind: "principal-added",
        statement: '"AllowDataUse"',
        element: "Principal",
        before: `Principal AWS:${TRAINER}`,
        after: `Principal AWS:${ANALYST}, AWS:${TRAINER} (added: AWS:${ANALYST})`,
      },
    ]);
  });

  it("everyone as principal of an Allow", () => {
    expect(kinds(policyWidenings([useKey], [{ ...useKey, Principal: "*" }]))).toEqual(['principal-added "AllowDataUse" Principal']);
  });

  it("an action added to an Allow, but not one an old wildcard covered", () => {
    const found = policyWidenings(
      [useKey],
      [{ ...useKey, Action: ["kms:Decrypt", "kms:GenerateDataKey*", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncrypt*"] }],
    );
    expect(found.map((w) => [w.kind, w.after])).toEqual([
      ["action-added", "Action kms:Decrypt, kms:GenerateDataKey*, kms:GenerateDataKeyWithoutPlaintext, kms:ReEncrypt* (added: kms:ReEncrypt*)"],
    ]);
  });

  it("a wider wildcard in an Allow", () => {
    expect(kinds(policyWidenings([useKey], [{ ...useKey, Action: ["kms:*"] }]))).toEqual(['action-added "AllowDataUse" Action']);
  });

  it("NotAction in an Allow instead of an action list", () => {
    const found = policyWidenings([useKey], [{ ...useKey, Action: undefined, NotAction: ["kms:ScheduleKeyDeletion"] }]);
    expect(found.map((w) => [w.kind, w.after])).toEqual([["action-added", "NotAction kms:ScheduleKeyDeletion"]]);
  });

  it("a resource added to an Allow", () => {
    expect(
      kinds(
        policyWidenings([{ ...useKey, Resource: "arn:aws:s3:::data/*" }], [{ ...useKey, Resource: ["arn:aws:s3:::data/*", "arn:aws:s3:::other/*"] }]),
      ),
    ).toEqual(['resource-added "AllowDataUse" Resource']);
  });

  it("a condition removed from an Allow", () => {
    const found = policyWidenings([useKey], [{ ...useKey, Condition: undefined }]);
    expect(found).toEqual([
      {
        kind: "condition-removed",
        statement: '"AllowDataUse"',
        element: "Condition StringEquals kms:ViaService",
        before: "s3.us-east-1.amazonaws.com",
        after: "removed",
      },
    ]);
  });

  it("a condition of an Allow loosened: a value added to a positive test, IfExists, a Bool flipped", () => {
    const moreServices = {
      ...useKey,
      Condition: { StringEquals: { "kms:ViaService": ["s3.us-east-1.amazonaws.com", "lambda.us-east-1.amazonaws.com"] } },
    };
    expect(kinds(policyWidenings([useKey], [moreServices]))).toEqual(['condition-loosened "AllowDataUse" Condition StringEquals kms:ViaService']);
    const ifExists = { ...useKey, Condition: { StringEqualsIfExists: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } } };
    expect(kinds(policyWidenings([useKey], [ifExists]))).toEqual(['condition-removed "AllowDataUse" Condition StringEquals kms:ViaService']);
    const grant = { ...useKey, Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } } };
    expect(kinds(policyWidenings([grant], [{ ...grant, Condition: { Bool: { "kms:GrantIsForAWSResource": "false" } } }]))).toEqual([
      'condition-loosened "AllowDataUse" Condition Bool kms:GrantIsForAWSResource',
    ]);
  });

  it("a value removed from a negated test of an Allow", () => {
    const notOthers = { ...useKey, Condition: { StringNotEquals: { "aws:PrincipalAccount": ["222222222222", "333333333333"] } } };
    expect(
      kinds(policyWidenings([notOthers], [{ ...notOthers, Condition: { StringNotEquals: { "aws:PrincipalAccount": ["222222222222"] } } }])),
    ).toEqual(['condition-loosened "AllowDataUse" Condition StringNotEquals aws:PrincipalAccount']);
  });

  it("an Allow statement added", () => {
    const found = policyWidenings([root], [root, { ...useKey, Sid: "AllowAnalyst", Principal: { AWS: ANALYST } }]);
    expect(found).toEqual([
      {
        kind: "allow-added",
        statement: '"AllowAnalyst"',
        element: "(statement)",
        before: "absent",
        after: `Allow; Principal AWS:${ANALYST}; Action kms:Decrypt, kms:GenerateDataKey*; when StringEquals kms:ViaService=s3.us-east-1.amazonaws.com`,
      },
    ]);
  });

  it("a Deny removed, or turned into an Allow", () => {
    expect(kinds(policyWidenings([root, denyPlainHttp], [root]))).toEqual(['deny-removed "DenyInsecureTransport" (statement)']);
    expect(kinds(policyWidenings([denyPlainHttp], [{ ...denyPlainHttp, Effect: "Allow" }]))).toEqual(['deny-removed "DenyInsecureTransport" Effect']);
  });

  it("a Deny narrowed: fewer actions, fewer resources, a principal instead of everyone, a condition added", () => {
    expect(policyWidenings([denyPlainHttp], [{ ...denyPlainHttp, Action: ["s3:GetObject"] }])).toEqual([
      {
        kind: "deny-narrowed",
        statement: '"DenyInsecureTransport"',
        element: "Action",
        before: "Action s3:*",
        after: "Action s3:GetObject (no longer denied: s3:*)",
      },
    ]);
    expect(kinds(policyWidenings([denyPlainHttp], [{ ...denyPlainHttp, Resource: "arn:aws:s3:::data/*" }]))).toEqual([
      'deny-narrowed "DenyInsecureTransport" Resource',
    ]);
    expect(kinds(policyWidenings([denyPlainHttp], [{ ...denyPlainHttp, Principal: { AWS: ANALYST } }]))).toEqual([
      'deny-narrowed "DenyInsecureTransport" Principal',
    ]);
    const excepted = { ...denyPlainHttp, Condition: { ...denyPlainHttp.Condition, StringNotEquals: { "aws:PrincipalArn": TRAINER } } };
    expect(kinds(policyWidenings([denyPlainHttp], [excepted]))).toEqual([
      'deny-narrowed "DenyInsecureTransport" Condition StringNotEquals aws:PrincipalArn',
    ]);
  });

  it("a Deny narrowed by its condition values: fewer values in a positive test, more in a negated one", () => {
    const denyOtherKeys = {
      Sid: "DenyOtherKmsKey",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: "*",
      Condition: { StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:us-east-1:111111111111:key/a" } },
    };
    const allowed = {
      ...denyOtherKeys,
      Condition: {
        StringNotEquals: {
          "s3:x-amz-server-side-encryption-aws-kms-key-id": ["arn:aws:kms:us-east-1:111111111111:key/a", "arn:aws:kms:us-east-1:999999999999:key/b"],
        },
      },
    };
    expect(kinds(policyWidenings([denyOtherKeys], [allowed]))).toEqual([
      'deny-narrowed "DenyOtherKmsKey" Condition StringNotEquals s3:x-amz-server-side-encryption-aws-kms-key-id',
    ]);
  });

  it("a changed statement without Sid counts as removed and added", () => {
    const a = { ...useKey, Sid: undefined };
    expect(kinds(policyWidenings([a], [{ ...a, Principal: { AWS: ANALYST } }]))).toEqual(["allow-added #1 (statement)"]);
    const d = { ...denyPlainHttp, Sid: undefined };
    expect(kinds(policyWidenings([d], [{ ...d, Action: "s3:GetObject" }]))).toEqual(["deny-removed #1 (statement)"]);
  });
});
