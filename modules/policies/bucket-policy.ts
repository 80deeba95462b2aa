import { ConditionBlock, PolicyDocument, PolicyStatement, policyDocument } from "./policy-document";

/** Sids of the statements every EncryptedBucket policy starts with; callers' statements may not reuse them. */
export const ENCRYPTED_BUCKET_POLICY_SIDS = ["DenyInsecureTransport", "DenyOutdatedTls", "DenyNonKmsEncryptionHeader", "DenyOtherKmsKey", "DenySseC"];

/** The bucket and every object in it: transport rules apply to both. */
function bucketAndObjects(bucketArn: string): string[] {
  return [bucketArn, `${bucketArn}/*`];
}

/** A deny of every S3 action on the bucket and its objects matching `condition`. */
function denyAllRequestsStatement(sid: string, bucketArn: string, condition: ConditionBlock): PolicyStatement {
  return { Sid: sid, Effect: "Deny", Principal: "*", Action: ["s3:*"], Resource: bucketAndObjects(bucketArn), Condition: condition };
}

export function denyInsecureTransportStatement(bucketArn: string): PolicyStatement {
  return denyAllRequestsStatement("DenyInsecureTransport", bucketArn, { Bool: { "aws:SecureTransport": "false" } });
}

export function denyOutdatedTlsStatement(bucketArn: string, minimumTlsVersion: string): PolicyStatement {
  return denyAllRequestsStatement("DenyOutdatedTls", bucketArn, { NumericLessThan: { "s3:TlsVersion": minimumTlsVersion } });
}

/** A deny of uploads (PutObject, which also covers copies and multipart uploads) matching `condition`. */
function denyUploadsStatement(sid: string, bucketArn: string, condition: ConditionBlock): PolicyStatement {
  return { Sid: sid, Effect: "Deny", Principal: "*", Action: ["s3:PutObject"], Resource: `${bucketArn}/*`, Condition: condition };
}

/**
 * Uploads that name an encryption other than SSE-KMS. `Null ... = false` limits the deny to
 * requests that send the header: uploads without it get the bucket's default (our key).
 */
export function denyNonKmsEncryptionHeaderStatement(bucketArn: string): PolicyStatement {
  return denyUploadsStatement("DenyNonKmsEncryptionHeader", bucketArn, {
    Null: { "s3:x-amz-server-side-encryption": "false" },
    StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
  });
}

/** Uploads that name another KMS key (clients must name ours by its full ARN, or send no key header). */
export function denyOtherKmsKeyStatement(bucketArn: string, keyArn: string): PolicyStatement {
  return denyUploadsStatement("DenyOtherKmsKey", bucketArn, {
    Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
    StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": keyArn },
  });
}

/** SSE-C: the customer's own key material never reaches KMS, so the key policy cannot govern it. */
export function denySseCStatement(bucketArn: string): PolicyStatement {
  return denyUploadsStatement("DenySseC", bucketArn, { Null: { "s3:x-amz-server-side-encryption-customer-algorithm": "false" } });
}

/** S3 server access logging writes as this service principal, only for the source buckets of this account. */
export function allowAccessLogDeliveryStatement(logBucketArn: string, sourceBucketArns: readonly string[], accountId: string): PolicyStatement {
  return {
    Sid: "AllowServerAccessLogDelivery",
    Effect: "Allow",
    Principal: { Service: ["logging.s3.amazonaws.com"] },
    Action: ["s3:PutObject"],
    Resource: `${logBucketArn}/*`,
    Condition: {
      ArnLike: { "aws:SourceArn": [...sourceBucketArns] },
      StringEquals: { "aws:SourceAccount": accountId },
    },
  };
}

export interface TransportPolicyProps {
  readonly bucketArn: string;
  /** Deny requests without TLS and below `minimumTlsVersion`. */
  readonly enforceTls: boolean;
  /** "1.2" or "1.3". */
  readonly minimumTlsVersion: string;
}

export function transportStatements(props: TransportPolicyProps): PolicyStatement[] {
  if (!props.enforceTls) return [];
  return [denyInsecureTransportStatement(props.bucketArn), denyOutdatedTlsStatement(props.bucketArn, props.minimumTlsVersion)];
}

export interface EncryptedBucketPolicyProps extends TransportPolicyProps {
  readonly keyArn: string;
  /**
   * The caller's statements, appended after ours; their Sids must not collide with ours.
   * @jsii ignore IAM spelling (TypeScript-only).
   */
  readonly additionalStatements?: PolicyStatement[];
}

/** TLS only, and SSE-KMS with our key for every upload that names an encryption. */
export function encryptedBucketPolicy(props: EncryptedBucketPolicyProps): PolicyDocument {
  return policyDocument([
    ...transportStatements(props),
    denyNonKmsEncryptionHeaderStatement(props.bucketArn),
    denyOtherKmsKeyStatement(props.bucketArn, props.keyArn),
    denySseCStatement(props.bucketArn),
    ...(props.additionalStatements ?? []),
  ]);
}

/** Access-log bucket: TLS only, and log delivery from the source buckets (none yet: no delivery statement). */
export function accessLogBucketPolicy(
  props: TransportPolicyProps & { readonly sourceBucketArns: readonly string[]; readonly accountId: string },
): PolicyDocument {
  return policyDocument([
    ...transportStatements(props),
    ...(props.sourceBucketArns.length > 0 ? [allowAccessLogDeliveryStatement(props.bucketArn, props.sourceBucketArns, props.accountId)] : []),
  ]);
}
