"""The Python bindings, installed from the wheel: the same stack, errors and profiles as in TypeScript."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import cdktf
from cdktf import App, Aspects, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider

from cdktf_lookout_vision_encryption import EncryptedBucket, EncryptionPosture, LookoutVisionEncryption, OutputBucketEntry, Policies, ServiceProfiles

from conftest import ROOT, run_node

sys.path.insert(0, str(ROOT / "python" / "examples"))
import single_account  # noqa: E402

ACCOUNT = "111111111111"
TRAINER = f"arn:aws:iam::{ACCOUNT}:role/LookoutVisionTrainer"
KEY_ARN = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
# Where the constructs of these tests are: given, so no data source is read.
ENV = {"region": "us-east-1", "account_id": ACCOUNT, "partition": "aws"}


def synth_single_account(outdir: Path) -> dict:
    single_account.main(str(outdir))
    return json.loads((outdir / "stacks" / single_account.STACK / "cdk.tf.json").read_text())


def test_single_account_example_synthesizes_what_typescript_does(tmp_path: Path, typescript_single_account: dict) -> None:
    python = synth_single_account(tmp_path)
    without_metadata = lambda doc: {k: v for k, v in doc.items() if k != "//"}  # noqa: E731
    assert without_metadata(python) == without_metadata(typescript_single_account)
    assert python["//"]["metadata"]["stackName"] == single_account.STACK
    assert sorted(python["resource"]["aws_s3_bucket"]) == sorted(typescript_single_account["resource"]["aws_s3_bucket"])


def test_bad_input_raises_the_typescript_message() -> None:
    expected = run_node(
        "const { App, TerraformStack } = require('cdktf'); const { LookoutVisionEncryption } = require('./dist/modules');"
        "try { new LookoutVisionEncryption(new TerraformStack(new App(), 's'), 'E', { region: 'us-east-1', accountId: '111111111111', partition: 'aws' }); }"
        "catch (e) { process.stdout.write(e.message); }"
    )
    assert expected.startswith("LookoutVisionEncryption: keyUserArns must be")
    stack = TerraformStack(App(), "s")
    with pytest.raises(Exception) as raised:
        LookoutVisionEncryption(stack, "E", region="us-east-1", account_id=ACCOUNT, partition="aws")
    assert expected in str(raised.value)


def test_rekognition_custom_labels_profile_is_selectable() -> None:
    stack = TerraformStack(cdktf.Testing.app(), "s")
    AwsProvider(stack, "aws", region="us-east-1")
    encryption = LookoutVisionEncryption(
        stack,
        "E",
        **ENV,
        profile=ServiceProfiles.REKOGNITION_CUSTOM_LABELS,
        key_user_arns=[TRAINER],
        output_buckets=[OutputBucketEntry(id="models", bucket_name=f"example-models-{ACCOUNT}")],
    )
    synthesized = json.loads(cdktf.Testing.synth(stack))
    console = [b["bucket"] for b in synthesized["resource"]["aws_s3_bucket"].values() if "bucket" in b]
    assert f"custom-labels-console-us-east-1-{ACCOUNT}" in console
    user_policy = json.loads(encryption.user_policy_json)
    service = next(s for s in user_policy["Statement"] if s["Sid"] == "UseService")
    assert "rekognition:CreateProjectVersion" in service["Action"]
    assert not any(a.startswith("lookoutvision:") for s in user_policy["Statement"] for a in s["Action"])


def test_policy_builders_are_reachable_as_static_members() -> None:
    props = {
        "accountRootArn": f"arn:aws:iam::{ACCOUNT}:root",
        "administratorArns": [],
        "keyUserArns": [TRAINER],
        "serviceEndpoint": "lookoutvision.us-east-1.amazonaws.com",
        "dataServiceEndpoints": ["s3.us-east-1.amazonaws.com", "lookoutvision.us-east-1.amazonaws.com"],
        "callerAccounts": [ACCOUNT],
    }
    python = json.loads(
        Policies.key_policy_json(
            account_root_arn=props["accountRootArn"],
            administrator_arns=props["administratorArns"],
            key_user_arns=props["keyUserArns"],
            service_endpoint=props["serviceEndpoint"],
            data_service_endpoints=props["dataServiceEndpoints"],
            caller_accounts=props["callerAccounts"],
        )
    )
    typescript = json.loads(run_node(f"process.stdout.write(JSON.stringify(require('./dist/modules').keyPolicy({json.dumps(props)})))"))
    assert python == typescript
    assert [s["Sid"] for s in python["Statement"]][0] == "EnableIamPoliciesOfAccount"


def test_readme_quick_start_synthesizes(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"^```python\n(.*?)^```$", readme, re.S | re.M)
    assert len(blocks) == 1
    subprocess.run([sys.executable, "-c", blocks[0]], cwd=tmp_path, check=True, capture_output=True)
    synthesized = json.loads((tmp_path / "cdktf.out" / "stacks" / "vision" / "cdk.tf.json").read_text())
    buckets = [b.get("bucket") for b in synthesized["resource"]["aws_s3_bucket"].values()]
    assert "my-lookout-vision-models" in buckets


def public_bucket_stack(outdir: Path) -> tuple:
    """A checked stack with one bucket whose public access block is off (acknowledged, so the construct allows it)."""
    app = App(outdir=str(outdir))
    stack = TerraformStack(app, "checked")
    AwsProvider(stack, "aws", region="us-east-1")
    bucket = EncryptedBucket(
        stack,
        "Data",
        **ENV,
        encryption_key=KEY_ARN,
        bucket_name="vision-public-data",
        block_public_access=False,
        acknowledge_public_access=True,
    )
    Aspects.of(stack).add(EncryptionPosture())
    return app, bucket


def test_encryption_posture_fails_synth_on_a_public_bucket(tmp_path: Path) -> None:
    app, _ = public_bucket_stack(tmp_path)
    with pytest.raises(Exception) as raised:
        app.synth()
    assert "[LVE-S3-004]" in str(raised.value)
    assert "block_public_acls, block_public_policy, ignore_public_acls, restrict_public_buckets not true" in str(raised.value)


def test_encryption_posture_finding_suppressed_with_a_reason(tmp_path: Path) -> None:
    app, bucket = public_bucket_stack(tmp_path)
    EncryptionPosture.suppress(bucket, "LVE-S3-004", "a public website bucket, on purpose")
    app.synth()
    synthesized = json.loads((tmp_path / "stacks" / "checked" / "cdk.tf.json").read_text())
    data = next(b for b in synthesized["resource"]["aws_s3_bucket"].values() if b.get("bucket") == "vision-public-data")
    assert data["//"]["posture"]["suppressions"] == [{"rule": "LVE-S3-004", "reason": "a public website bucket, on purpose"}]
