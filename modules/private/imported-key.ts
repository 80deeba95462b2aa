import { Fn } from "cdktf";
import { Construct } from "constructs";
import { AwsEnvironment } from "../aws-environment";
import type { IEncryptionKey, ImportedKeyOptions } from "../lookout-vision-key";
import { keyUserStatements } from "../policies/kms-statements";
import { PolicyStatement, policyDocument } from "../policies/policy-document";
import { LOOKOUT_FOR_VISION } from "../service-profile";
import { checkKmsKeyArnLocation, isToken } from "../validation";
import { keyEndpoints, resolveAwsEnvironment } from "./environment";

/** Identity-policy statements that let their principals use `key` through the service and S3. */
export function grantUseStatements(key: Pick<IEncryptionKey, "keyArn" | "serviceEndpoint" | "dataServiceEndpoints">): PolicyStatement[] {
  return keyUserStatements({ resource: key.keyArn, serviceEndpoint: key.serviceEndpoint, dataServiceEndpoints: key.dataServiceEndpoints });
}

export function grantUsePolicyJson(key: Pick<IEncryptionKey, "keyArn" | "serviceEndpoint" | "dataServiceEndpoints">): string {
  return JSON.stringify(policyDocument(grantUseStatements(key)));
}

/** `key/<id>` of a key ARN, literal or as a Terraform expression. */
function keyIdOf(keyArn: string): string {
  return isToken(keyArn) ? Fn.element(Fn.split("/", keyArn), 1) : keyArn.split("/")[1];
}

/** A key made elsewhere (`LookoutVisionKey.fromKeyArn`): creates nothing, changes no key policy. */
export class ImportedKey extends Construct implements IEncryptionKey {
  readonly keyId: string;
  readonly environment: AwsEnvironment;
  readonly serviceEndpoint: string;
  readonly dataServiceEndpoints: string[];

  constructor(
    scope: Construct,
    id: string,
    readonly keyArn: string,
    options: ImportedKeyOptions,
  ) {
    super(scope, id);
    checkKmsKeyArnLocation("LookoutVisionKey", "fromKeyArn(keyArn)", keyArn, options);
    this.keyId = keyIdOf(keyArn);
    this.environment = resolveAwsEnvironment(this, "LookoutVisionKey", options);
    const endpoints = keyEndpoints((options.profile ?? LOOKOUT_FOR_VISION).serviceHost, this.environment);
    this.serviceEndpoint = endpoints.serviceEndpoint;
    this.dataServiceEndpoints = endpoints.dataServiceEndpoints;
  }

  grantUseStatements(): PolicyStatement[] {
    return grantUseStatements(this);
  }

  grantUsePolicyJson(): string {
    return grantUsePolicyJson(this);
  }
}
