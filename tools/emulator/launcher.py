"""The AWS emulator for our deploy checks: moto's proxy mode with the patches below.

Run by tools/emulator.ts with the venv that holds the pinned moto (tools/emulator/requirements.txt):

    python launcher.py --certs DIR [--port N] [--account ID] [--seed N]

It binds 127.0.0.1 (port 0: a free one), prints `listening <port>` once it accepts requests, and
serves until SIGINT, SIGTERM or the end of its standard input (so it never outlives the process that
started it). The per-host TLS certificates moto makes go to DIR, not into the installed package, so
several emulators can run side by side.

Each patch corrects one gap of moto 5.2.5 that would show as a failed apply or as a change in the
second plan of a stack our constructs make. Each names the moto source it corrects; the installed
package is never edited. __tests__/emulator.deploy.test.ts proves each one through the AWS SDK.
"""

import argparse
import json
import logging
import os
import random
import shutil
import signal
import string
import sys
import threading
from http.server import ThreadingHTTPServer
from typing import Any, Callable

import moto
import xmltodict
from moto.core import responses as core_responses
from moto.iam import access_control as iam_access_control
from moto.kms import models as kms_models
from moto.kms import responses as kms_responses
from moto.moto_api._internal import mock_random
from moto.moto_proxy import certificate_creator
from moto.moto_proxy import logger as proxy_logger
from moto.moto_proxy.proxy3 import ProxyRequestHandler
from moto.core.responses import ActionResult
from moto.s3 import exceptions as s3_exceptions
from moto.s3 import models as s3_models
from moto.s3 import responses as s3_responses
from moto.s3.utils import LOGGING_SERVICE_PRINCIPAL
from moto.core.utils import ensure_boolean
from moto.utilities import aws_headers

MOTO_VERSION = "5.2.5"

PATCHES: list[tuple[str, Callable[[], None]]] = []


def patch(name: str) -> Callable[[Callable[[], None]], Callable[[], None]]:
    def register(apply: Callable[[], None]) -> Callable[[], None]:
        PATCHES.append((name, apply))
        return apply

    return register


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


@patch("s3-logging-policy-principals")
def tolerant_logging_permission_check() -> None:
    """moto/s3/models.py FakeBucket._log_permissions_enabled_policy calls
    `stmt.get("Principal", {}).get("Service")`: a statement whose Principal is "*" (our
    DenyInsecureTransport) raises AttributeError (HTTP 502), and a one-element list of services
    (`"Service": ["logging.s3.amazonaws.com"]`, valid IAM) never matches. This reads both forms,
    with S3's own rules otherwise (Allow, s3:PutObject, the bucket's or prefix's resource)."""

    def allows_logging(target_bucket: Any, target_prefix: str | None) -> bool:
        if not target_bucket.policy:
            return False
        document = json.loads(target_bucket.policy.decode())
        arn = f"arn:{target_bucket.partition}:s3:::{target_bucket.name}"
        resources = {arn, f"{arn}/*", f"{arn}/{target_prefix or ''}*"}
        for stmt in as_list(document.get("Statement")):
            principal = stmt.get("Principal")
            services = as_list(principal.get("Service")) if isinstance(principal, dict) else []
            if LOGGING_SERVICE_PRINCIPAL not in services or stmt.get("Effect") != "Allow":
                continue
            if "s3:PutObject" in as_list(stmt.get("Action")) and resources & set(as_list(stmt.get("Resource"))):
                return True
        return False

    s3_models.FakeBucket._log_permissions_enabled_policy = staticmethod(allows_logging)


@patch("s3-blocked-encryption-types")
def blocked_encryption_types_read_back() -> None:
    """moto/s3/responses.py S3Response.get_bucket_encryption builds the rule from
    ApplyServerSideEncryptionByDefault and BucketKeyEnabled only: the BlockedEncryptionTypes that
    PutBucketEncryption stored (the provider's `blocked_encryption_types`) are dropped, so every
    plan would set them again."""

    def get_bucket_encryption(self: Any) -> Any:
        self.data["Action"] = "GetBucketEncryption"
        encryption = self.backend.get_bucket_encryption(self.bucket_name)
        if not encryption:
            raise s3_exceptions.ServerSideEncryptionConfigurationNotFoundError(bucket_name=self.bucket_name)
        rule = encryption["Rule"]
        result_rule: dict[str, Any] = {
            "ApplyServerSideEncryptionByDefault": rule["ApplyServerSideEncryptionByDefault"],
            "BucketKeyEnabled": ensure_boolean(rule.get("BucketKeyEnabled")),
        }
        blocked = as_list((rule.get("BlockedEncryptionTypes") or {}).get("EncryptionType"))
        if blocked:
            result_rule["BlockedEncryptionTypes"] = {"EncryptionType": blocked}
        return self.serialized(ActionResult({"ServerSideEncryptionConfiguration": {"Rules": [result_rule]}}))

    s3_responses.S3Response.get_bucket_encryption = get_bucket_encryption


@patch("s3-create-bucket-tags")
def create_bucket_tags() -> None:
    """moto/s3/responses.py S3Response._bucket_response_put reads only LocationConstraint from the
    CreateBucketConfiguration: its Tags (how the provider tags a new bucket) are dropped, and the
    provider's read-back through S3 Control ListTagsForResource finds none."""
    original = s3_responses.S3Response._bucket_response_put

    def bucket_response_put(self: Any, request: Any, bucket_name: str, querystring: dict[str, Any]) -> Any:
        response = original(self, request, bucket_name, querystring)
        if querystring or not self.body:
            return response
        configuration = xmltodict.parse(self.body).get("CreateBucketConfiguration") or {}
        tags = as_list((configuration.get("Tags") or {}).get("Tag"))
        if tags:
            bucket = self.backend.get_bucket(bucket_name)
            self.backend.tagger.tag_resource(bucket.arn, [{"Key": t["Key"], "Value": t.get("Value") or ""} for t in tags])
        return response

    s3_responses.S3Response._bucket_response_put = bucket_response_put


@patch("kms-rotation-period")
def key_rotation_period() -> None:
    """moto/kms/responses.py KmsResponse.enable_key_rotation ignores RotationPeriodInDays and
    get_key_rotation_status answers KeyRotationEnabled only: the provider reads the period as 0
    and plans `rotation_period_in_days 0 -> 365` every time. KMS's default period is 365 days."""

    def enable_key_rotation(self: Any) -> str:
        key_id = self._get_param("KeyId")
        self._validate_cmk_id(key_id)
        self.kms_backend.enable_key_rotation(key_id)
        key = self.kms_backend.keys[self.kms_backend.get_key_id(key_id)]
        key.rotation_period_in_days = self._get_param("RotationPeriodInDays") or 365
        return json.dumps(None)

    def get_key_rotation_status(self: Any) -> str:
        key_id = self._get_param("KeyId")
        self._validate_cmk_id(key_id)
        key = self.kms_backend.keys[self.kms_backend.get_key_id(key_id)]
        status: dict[str, Any] = {"KeyRotationEnabled": key.key_rotation_status, "KeyId": key.arn}
        if key.key_rotation_status:
            status["RotationPeriodInDays"] = getattr(key, "rotation_period_in_days", 365)
        return json.dumps(status)

    kms_responses.KmsResponse.enable_key_rotation = enable_key_rotation
    kms_responses.KmsResponse.get_key_rotation_status = get_key_rotation_status


@patch("kms-replica-key")
def replica_key_configuration() -> None:
    """moto/kms/models.py KmsBackend.replicate_key makes the replica with copy(), so primary and
    replica share one multi_region_configuration dict, and then copies it back onto the backend:
    the replica reports itself as PRIMARY until describe_key flips the shared dict, after which the
    primary reports REPLICA too, and the provider's wait for the replica never ends. The aliases
    dict is shared too, so an alias of the primary's name in the replica's region "already exists".
    ReplicateKey's Policy, Description and Tags are ignored as well. This gives the replica its own
    configuration (REPLICA, the primary's ARN), grants, aliases and rotations, and the arguments it
    was created with, and lists it on the primary."""

    def replicate_key(self: Any, key_id: str, replica_region: str) -> Any:
        primary = self.keys[self.get_key_id(key_id)]
        replica = kms_models.copy(primary)
        replica.region = replica_region
        replica.arn = primary.arn.replace(f":{primary.region}:", f":{replica_region}:", 1)
        # Per-region state of its own: copy() shares the primary's dicts and lists.
        replica.grants = {}
        replica.aliases = {}
        replica.rotations = []
        if primary.multi_region:
            replicas = primary.multi_region_configuration["ReplicaKeys"]
            if not any(r["Region"] == replica_region for r in replicas):
                replicas.append({"Arn": replica.arn, "Region": replica_region})
            replica.multi_region_configuration = {
                "MultiRegionKeyType": "REPLICA",
                "PrimaryKey": dict(primary.multi_region_configuration["PrimaryKey"]),
                "ReplicaKeys": [],
            }
        kms_models.kms_backends[self.account_id][replica_region].keys[replica.id] = replica
        return replica

    def replicate_key_response(self: Any) -> str:
        key_id = self._get_param("KeyId")
        self._validate_key_id(key_id)
        replica_region = self._get_param("ReplicaRegion")
        replica = self.kms_backend.replicate_key(key_id, replica_region)
        replica.policy = self._get_param("Policy") or replica.generate_default_policy()
        replica.description = self._get_param("Description") or ""
        tags = self._get_param("Tags") or []
        replica_backend = kms_models.kms_backends[self.current_account][replica_region]
        if tags:
            replica_backend.tagger.tag_resource(replica.id, tags)
        return json.dumps({"ReplicaKeyMetadata": replica.to_dict()["KeyMetadata"], "ReplicaPolicy": replica.policy})

    kms_models.KmsBackend.replicate_key = replicate_key
    kms_responses.KmsResponse.replicate_key = replicate_key_response


@patch("kms-multi-region-flag")
def multi_region_flag() -> None:
    """moto/kms/responses.py KmsResponse.create_key passes `self._get_param("MultiRegion")` on as
    is: a CreateKey without it (how the provider creates a single-region key) makes a key whose
    DescribeKey has no MultiRegion, where KMS answers false."""
    original = kms_models.Key.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.multi_region = bool(self.multi_region)

    kms_models.Key.__init__ = init


@patch("iam-conditions")
def conditions_as_iam_evaluates_them() -> None:
    """moto/iam/access_control.py IAMPolicyStatement: _check_conditions (through
    moto/iam/policy_conditions.py TrustCondition.verify_condition) counts every condition it cannot
    evaluate, and every key the request does not carry, as met; is_action_permitted then answers
    DENIED for a statement whose condition is not met, whatever its Effect. moto checks a bucket's
    policy before object requests, with no condition values at all, so each of our conditional
    Deny statements (DenyInsecureTransport, DenyOutdatedTls, DenyNonKmsEncryptionHeader, ...)
    refused every PutObject with 403. As IAM evaluates them: a key the request does not carry
    meets only `Null: true` and the `...IfExists` operators; a statement whose condition is not
    met does not apply (NEUTRAL). Conditions on keys the request carries keep moto's evaluation."""
    statement = iam_access_control.IAMPolicyStatement
    result = iam_access_control.PermissionResult
    moto_check = statement._check_conditions

    def absent_key_meets(operator: str, expected: Any) -> bool:
        if operator == "Null":
            return all(str(value).lower() == "true" for value in as_list(expected))
        return operator.endswith("IfExists")

    def check_conditions(self: Any, incoming_condition_values: dict[str, str] | None) -> bool:
        carried = incoming_condition_values or {}
        for operator, keys in (self._statement.get("Condition") or {}).items():
            for key, expected in keys.items():
                if key not in carried and not absent_key_meets(operator, expected):
                    return False
        return moto_check(self, incoming_condition_values)

    def is_action_permitted(self: Any, action: str, resource: str = "*", principal: str | None = None, incoming_condition_values: dict[str, str] | None = None) -> Any:
        if "NotAction" in self._statement:
            concerned = not self._check_element_matches("NotAction", action)
        else:
            concerned = self._check_element_matches("Action", action)
        if not concerned or self.is_unknown_principal(self._statement.get("Principal")):
            return result.NEUTRAL
        if principal and not self._check_principal(principal):
            return result.DENIED
        if not self._check_conditions(incoming_condition_values):
            return result.NEUTRAL
        if not self._statement.get("Resource"):
            return result.PERMITTED
        if not self._check_element_matches("Resource", resource):
            return result.NEUTRAL
        return result.PERMITTED if self._statement["Effect"] == "Allow" else result.DENIED

    statement._check_conditions = check_conditions
    statement.is_action_permitted = is_action_permitted


def seed_identifiers(seed: int) -> None:
    """The same identifiers on every run (key IDs, and the ARNs that hold them): moto draws them from
    one generator, moto/moto_api/_internal/__init__.py mock_random, which its /moto-api/seed
    endpoint seeds. Every response also draws its request ID from it
    (moto/utilities/aws_headers.py gen_amzn_requestid_long, called by moto/core/responses.py), so
    the identifiers would still depend on how many requests came first, which the provider's
    concurrent calls and retries vary. Request IDs get a generator of their own: the seeded one
    draws only for what the emulator creates, in the order it creates it (two keys created at the
    same time may still swap IDs)."""
    mock_random.seed(seed)
    request_ids = random.Random()

    def request_id(headers: dict[str, Any] | None = None) -> str:
        value = "".join(request_ids.choices(string.ascii_letters + string.digits, k=52))
        if isinstance(headers, dict):
            headers["x-amzn-requestid"] = value
        return value

    aws_headers.gen_amzn_requestid_long = request_id
    core_responses.gen_amzn_requestid_long = request_id


def apply_patches() -> list[str]:
    for _, apply in PATCHES:
        apply()
    return [name for name, _ in PATCHES]


def use_certificate_folder(folder: str) -> None:
    """moto writes a certificate per host into its package folder; each emulator gets its own."""
    template = os.path.join(os.path.dirname(certificate_creator.__file__), "certs", "req.conf.tmpl")
    os.makedirs(folder, exist_ok=True)
    shutil.copy(template, os.path.join(folder, "req.conf.tmpl"))
    certificate_creator.CertificateCreator.certdir = folder.rstrip("/") + "/"


def main() -> None:
    parser = argparse.ArgumentParser(description="moto's proxy mode with our patches")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--certs", required=True, help="folder for the per-host certificates")
    parser.add_argument("--account", default="123456789012", help="the AWS account ID every request acts in")
    parser.add_argument("--seed", type=int, help="seed for the identifiers moto makes (the same on every run)")
    parser.add_argument("--no-patches", action="store_true", help="moto as installed (the tests show each gap)")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args()
    # moto's proxy logs a line a request at INFO, to standard output; errors are what a test run
    # needs to see, on standard error with the requests' own lines, beside the launcher's lines.
    proxy_logger.setLevel(logging.INFO if args.verbose else logging.WARNING)
    for handler in logging.root.handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(sys.stderr)

    if moto.__version__ != MOTO_VERSION:
        raise SystemExit(f"emulator: the patches are written for moto {MOTO_VERSION}, the venv has {moto.__version__}")
    patched = [] if args.no_patches else apply_patches()
    if args.seed is not None:
        seed_identifiers(args.seed)
    use_certificate_folder(args.certs)
    ProxyRequestHandler.validate()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), ProxyRequestHandler)
    port = server.socket.getsockname()[1]
    os.environ["MOTO_PORT"] = str(port)
    # One account a process: the stacks name theirs (ARNs, policies), and the emulator acts in it.
    os.environ["MOTO_ACCOUNT_ID"] = args.account
    os.environ["TEST_PROXY_MODE"] = "true"

    def stop(*_: Any) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    # The end of standard input means the process that started us is gone.
    threading.Thread(target=lambda: (sys.stdin.read(), stop()), daemon=True).start()

    print(f"patched {' '.join(patched)}", flush=True)
    print(f"ca {certificate_creator.CertificateCreator.cacert}", flush=True)
    print(f"listening {port}", flush=True)
    server.serve_forever()
    server.server_close()


if __name__ == "__main__":
    main()
