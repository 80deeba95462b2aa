export * from "./service-profile";
export * from "./aws-environment";
export * from "./lookout-vision-key";
export * from "./policies/policy-document";
export * from "./policies/kms-statements";
export * from "./policies/key-policy";
