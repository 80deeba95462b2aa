import { PolicyStatement, unique } from "./policy-document";

/**
 * Key management without data use. Listed one by one instead of `kms:Create*`/`kms:Get*`
 * wildcards: `kms:Create*` includes `kms:CreateGrant`, which would let an administrator
 * grant itself Decrypt.
 */
export const KEY_ADMIN_ACTIONS = [
  "kms:CancelKeyDeletion",
  "kms:CreateAlias",
  "kms:DeleteAlias",
  "kms:DescribeKey",
  "kms:DisableKey",
  "kms:DisableKeyRotation",
  "kms:EnableKey",
  "kms:EnableKeyRotation",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListAliases",
  "kms:ListGrants",
  "kms:ListKeyPolicies",
  "kms:ListKeyRotations",
  "kms:ListResourceTags",
  "kms:PutKeyPolicy",
  "kms:ReplicateKey",
  "kms:RetireGrant",
  "kms:RevokeGrant",
  "kms:RotateKeyOnDemand",
  "kms:ScheduleKeyDeletion",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateAlias",
  "kms:UpdateKeyDescription",
  "kms:UpdatePrimaryRegion",
];

/** What S3 (SSE-KMS objects) and the ML service need from the caller's key to read and write data. */
export const KEY_DATA_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"];

/** The principal of a key policy statement; identity (IAM) policies have none. */
function principalOf(principalArns?: readonly string[]): Pick<PolicyStatement, "Principal"> {
  return principalArns ? { Principal: { AWS: unique(principalArns) } } : {};
}

/** Lets IAM policies of the account grant access to the key (AWS's default key policy statement). */
export function accountRootStatement(rootArn: string): PolicyStatement {
  return {
    Sid: "EnableIamPoliciesOfAccount",
    Effect: "Allow",
    Principal: { AWS: [rootArn] },
    Action: ["kms:*"],
    Resource: "*",
  };
}

export function keyAdministrationStatement(adminArns: readonly string[]): PolicyStatement {
  return {
    Sid: "AllowKeyAdministration",
    Effect: "Allow",
    Principal: { AWS: unique(adminArns) },
    Action: KEY_ADMIN_ACTIONS,
    Resource: "*",
  };
}

export interface KeyUseStatementProps {
  /** Key policy: the principals. Omit for an identity policy. */
  readonly principalArns?: string[];
  /** `*` in a key policy, the key ARN in an identity policy. */
  readonly resource: string;
}

/**
 * The ML service creates grants on the caller's key to use it for training and hosting.
 * Only through that service and only for AWS resources: a user cannot create a grant for
 * itself directly.
 */
export function serviceGrantStatement(props: KeyUseStatementProps & { readonly serviceEndpoint: string }): PolicyStatement {
  return {
    Sid: "AllowGrantsOnlyViaServiceForAwsResources",
    Effect: "Allow",
    ...principalOf(props.principalArns),
    Action: ["kms:CreateGrant"],
    Resource: props.resource,
    Condition: {
      StringEquals: { "kms:ViaService": props.serviceEndpoint },
      Bool: { "kms:GrantIsForAWSResource": "true" },
    },
  };
}

/** Reading the key's metadata is not data use; consoles and the service call it to validate the key. */
export function describeKeyStatement(props: KeyUseStatementProps): PolicyStatement {
  return {
    Sid: "AllowDescribeKey",
    Effect: "Allow",
    ...principalOf(props.principalArns),
    Action: ["kms:DescribeKey"],
    Resource: props.resource,
  };
}

/** Data keys only through the services that store the data: never direct Decrypt from a laptop. */
export function dataUseViaServicesStatement(
  props: KeyUseStatementProps & { readonly serviceEndpoints: readonly string[]; readonly callerAccounts?: readonly string[] },
): PolicyStatement {
  return {
    Sid: "AllowDataUseOnlyViaServices",
    Effect: "Allow",
    ...principalOf(props.principalArns),
    Action: KEY_DATA_ACTIONS,
    Resource: props.resource,
    Condition: {
      StringEquals: {
        "kms:ViaService": unique(props.serviceEndpoints),
        ...(props.callerAccounts ? { "kms:CallerAccount": unique(props.callerAccounts) } : {}),
      },
    },
  };
}

export interface KeyUserStatementsProps extends KeyUseStatementProps {
  /** `kms:ViaService` of the ML service, which creates grants. */
  readonly serviceEndpoint: string;
  /** S3 and the ML service: the only ways data keys may be used. */
  readonly dataServiceEndpoints: string[];
  /** Key policy only: accounts whose principals may use the key. */
  readonly callerAccounts?: string[];
}

/**
 * Everything a key user needs on the key. The same three statements serve the key policy
 * (principals, resource `*`), identity policies (no principal, resource = the key ARN) and the
 * snippet a bring-your-own key's owner adds to its key policy.
 */
export function keyUserStatements(props: KeyUserStatementsProps): PolicyStatement[] {
  const target = { principalArns: props.principalArns, resource: props.resource };
  return [
    serviceGrantStatement({ ...target, serviceEndpoint: props.serviceEndpoint }),
    describeKeyStatement(target),
    dataUseViaServicesStatement({ ...target, serviceEndpoints: props.dataServiceEndpoints, callerAccounts: props.callerAccounts }),
  ];
}
