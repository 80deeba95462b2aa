import { accountRootStatement, keyAdministrationStatement, keyUserStatements } from "./kms-statements";
import { PolicyDocument, PolicyStatement, policyDocument } from "./policy-document";

export interface KeyPolicyProps {
  /** `arn:<partition>:iam::<account>:root`, or undefined to leave IAM policies out of the key. */
  readonly accountRootArn?: string;
  readonly administratorArns: string[];
  readonly keyUserArns: string[];
  /** `<serviceHost>.<region>.<dnsSuffix>` of the ML service that creates grants. */
  readonly serviceEndpoint: string;
  /** Every endpoint key users may use the key through (S3 and the ML service). */
  readonly dataServiceEndpoints: string[];
  /** Accounts whose principals may use the key through those services. */
  readonly callerAccounts: string[];
}

export function keyPolicy(props: KeyPolicyProps): PolicyDocument {
  const statements: PolicyStatement[] = [];
  if (props.accountRootArn) statements.push(accountRootStatement(props.accountRootArn));
  if (props.administratorArns.length > 0) statements.push(keyAdministrationStatement(props.administratorArns));
  if (props.keyUserArns.length > 0) {
    statements.push(
      ...keyUserStatements({
        principalArns: props.keyUserArns,
        resource: "*",
        serviceEndpoint: props.serviceEndpoint,
        dataServiceEndpoints: props.dataServiceEndpoints,
        callerAccounts: props.callerAccounts,
      }),
    );
  }
  return policyDocument(statements);
}
