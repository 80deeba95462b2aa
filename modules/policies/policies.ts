import { EncryptedBucketPolicyProps, encryptedBucketPolicy } from "./bucket-policy";
import { KeyPolicyProps, keyPolicy } from "./key-policy";
import { policyJson } from "./policy-document";
import { UserPolicyProps, userPolicy } from "./user-policy";

/**
 * The policy builders for every language (jsii cannot carry plain functions): each returns the
 * policy as JSON text in IAM's spelling. TypeScript may call the functions for the objects.
 */
export class Policies {
  /** The key policy of a created key (`keyPolicy`). */
  static keyPolicyJson(props: KeyPolicyProps): string {
    return policyJson(keyPolicy(props));
  }

  /** The policy of an EncryptedBucket (`encryptedBucketPolicy`). */
  static encryptedBucketPolicyJson(props: EncryptedBucketPolicyProps): string {
    return policyJson(encryptedBucketPolicy(props));
  }

  /** The identity policy for the service's users (`userPolicy`). */
  static userPolicyJson(props: UserPolicyProps): string {
    return policyJson(userPolicy(props));
  }

  private constructor() {}
}
