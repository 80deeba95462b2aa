import { App, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LookoutVisionKey } from "./modules";

/** Example: a customer managed key for Lookout for Vision in one account. */
export class SingleAccountStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "us-east-1" });
    new LookoutVisionKey(this, "Key", {
      region: "us-east-1",
      accountId: "111111111111",
      partition: "aws",
      administratorArns: ["arn:aws:iam::111111111111:role/KeyAdmin"],
      keyUserArns: ["arn:aws:iam::111111111111:role/LookoutVisionTrainer"],
    });
  }
}

export function buildApp(app: App = new App()): App {
  new SingleAccountStack(app, "lookout-vision-single-account");
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
