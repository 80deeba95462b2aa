/** The risks a plan review calls out: each rule's id (the prefix of every risk id it finds) and what it means. */

export type RiskRuleId =
  | "key-delete"
  | "key-replace"
  | "key-deletion-window-shortened"
  | "key-rotation-off"
  | "key-disabled"
  | "key-policy-widened"
  | "bucket-delete"
  | "bucket-replace"
  | "bucket-force-destroy-on"
  | "bucket-versioning-suspended"
  | "bucket-public-access-block-off"
  | "bucket-encryption-changed"
  | "bucket-policy-widened"
  | "prevent-destroy-removed";

export interface RiskRule {
  /** What happens, in a few words (the report's "risk" column). */
  readonly title: string;
  /** Why it matters (the report's legend). */
  readonly why: string;
}

export const RISK_RULES: Readonly<Record<RiskRuleId, RiskRule>> = {
  "key-delete": {
    title: "KMS key deleted",
    why: "the key is scheduled for deletion; when the waiting period ends, every object encrypted with it is unreadable forever",
  },
  "key-replace": {
    title: "KMS key replaced",
    why: "a new key is created and the old one scheduled for deletion: data encrypted with the old key becomes unreadable when its waiting period ends",
  },
  "key-deletion-window-shortened": {
    title: "key deletion window shortened",
    why: "less time to notice and cancel a scheduled key deletion",
  },
  "key-rotation-off": { title: "key rotation turned off", why: "the key material is no longer rotated" },
  "key-disabled": { title: "KMS key disabled", why: "nothing can decrypt with the key until it is enabled again: training and models stop" },
  "key-policy-widened": { title: "key policy widened", why: "more principals, actions or requests can use or manage the key" },
  "bucket-delete": { title: "S3 bucket deleted", why: "the bucket and the data in it go" },
  "bucket-replace": { title: "S3 bucket replaced", why: "the bucket is deleted and created again: its objects do not move to the new bucket" },
  "bucket-force-destroy-on": {
    title: "force_destroy turned on",
    why: "a later destroy or replace deletes the bucket with every object in it instead of failing",
  },
  "bucket-versioning-suspended": {
    title: "versioning suspended",
    why: "overwritten and deleted objects are no longer kept as versions",
  },
  "bucket-public-access-block-off": {
    title: "public access block turned off",
    why: "a bucket policy or ACL can then make data public",
  },
  "bucket-encryption-changed": {
    title: "default encryption changed",
    why: "new objects are no longer encrypted with the key the set-up controls (away from SSE-KMS, or to another key)",
  },
  "bucket-policy-widened": { title: "bucket policy widened", why: "more principals, actions or requests reach the bucket or its objects" },
  "prevent-destroy-removed": {
    title: "prevent_destroy removed",
    why: "a later plan may destroy the resource without being stopped",
  },
};
