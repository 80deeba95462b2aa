"""The single-account example stack of main.ts, in Python.

One account, a new key, the console bucket and two output buckets. Account IDs and role names
are placeholders. The TypeScript stack also runs the EncryptionPosture check, which is
TypeScript-only; it adds nothing to the synthesized JSON.

    python single_account.py [OUTDIR]
"""

import sys

from cdktf import App, LocalBackend, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from cdktf_lookout_vision_encryption import (
    BucketSettings,
    LookoutVisionEncryption,
    LookoutVisionKeyOptions,
    OutputBucketEntry,
    UserPolicyOptions,
)

TRAINER_ROLE = "LookoutVisionTrainer"
KEY_ADMIN_ROLE = "KeyAdmin"
STACK = "lookout-vision-single-account"


class SingleAccountStack(TerraformStack):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        LocalBackend(self, path=f"../../../terraform.{id}.tfstate")
        AwsProvider(self, "aws", region="us-east-1")
        LookoutVisionEncryption(
            self,
            "Encryption",
            region="us-east-1",
            account_id="111111111111",
            partition="aws",
            key=LookoutVisionKeyOptions(
                alias="alias/lookout-vision",
                administrator_arns=[f"arn:aws:iam::111111111111:role/{KEY_ADMIN_ROLE}"],
            ),
            key_user_arns=[f"arn:aws:iam::111111111111:role/{TRAINER_ROLE}"],
            output_buckets=[
                OutputBucketEntry(id="models", bucket_name="example-lookout-vision-models-111111111111"),
                OutputBucketEntry(
                    id="experiments",
                    bucket_name="example-lookout-vision-experiments-111111111111",
                    prefix="experiments/",
                ),
            ],
            bucket_settings=BucketSettings(access_logs=True),
            user_policy=UserPolicyOptions(attach_to_role_names=[TRAINER_ROLE]),
            tags={"project": "lookout-vision", "data-classification": "confidential"},
        )


def main(outdir: str = "cdktf.out") -> None:
    app = App(outdir=outdir)
    SingleAccountStack(app, STACK)
    app.synth()


if __name__ == "__main__":
    main(*sys.argv[1:])
