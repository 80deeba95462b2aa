import { keyUserStatements } from "./kms-statements";
import { PolicyDocument, PolicyStatement, policyDocument } from "./policy-document";

/** Listing and locating the buckets: what the service console and SDK clients call before object access. */
export const BUCKET_LIST_ACTIONS = ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketVersions"];
/** Reading and writing images, manifests and training results; no bucket configuration changes. */
export const OBJECT_ACTIONS = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"];

export interface UserPolicyProps {
  readonly keyArn: string;
  /** `kms:ViaService` of the ML service, which creates grants. */
  readonly serviceEndpoint: string;
  /** S3 and the ML service: the only ways data keys may be used. */
  readonly dataServiceEndpoints: string[];
  /** The ML service's own actions (from the service profile). */
  readonly serviceActions: string[];
  /** Every bucket the users work with (console bucket and output buckets). */
  readonly bucketArns: string[];
}

/** Identity policy for the people and roles that use the ML service with these buckets and this key. */
export function userPolicy(props: UserPolicyProps): PolicyDocument {
  const statements: PolicyStatement[] = [{ Sid: "UseService", Effect: "Allow", Action: [...props.serviceActions], Resource: "*" }];
  if (props.bucketArns.length > 0) {
    statements.push(
      { Sid: "ListDataBuckets", Effect: "Allow", Action: BUCKET_LIST_ACTIONS, Resource: [...props.bucketArns] },
      { Sid: "ReadWriteDataObjects", Effect: "Allow", Action: OBJECT_ACTIONS, Resource: props.bucketArns.map((arn) => `${arn}/*`) },
    );
  }
  return policyDocument([...statements, ...keyUserStatements({ ...props, resource: props.keyArn })]);
}
