import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { ServiceProfile } from "../service-profile";
import { NAMES } from "./defaults";

export interface UserPolicyResourcesProps {
  readonly profile: ServiceProfile;
  readonly namePrefix: string;
  readonly policy: string;
  readonly tags?: Record<string, string>;
  readonly provider?: TerraformProvider;
  /** The roles to attach the policy to, by the key of their attachment's construct ID. */
  readonly roles: Readonly<Record<string, string>>;
}

/** The IAM managed policy for the key users, attached to their roles: LookoutVisionEncryption's, and the Terraform module's. */
export function addUserPolicyResources(scope: Construct, props: UserPolicyResourcesProps): IamPolicy {
  const policy = new IamPolicy(scope, "UserPolicy", {
    provider: props.provider,
    namePrefix: props.namePrefix,
    description: NAMES.userPolicyDescription(props.profile),
    policy: props.policy,
    tags: props.tags,
  });
  for (const [key, role] of Object.entries(props.roles)) {
    new IamRolePolicyAttachment(scope, NAMES.userPolicyAttachmentId(key), { provider: props.provider, role, policyArn: policy.arn });
  }
  return policy;
}
