"""Shared helpers: the repository root, and node for what TypeScript says about the same input."""

import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_node(script: str) -> str:
    """Runs a node script in the repository (dist/ built by `npm run build`) and returns its stdout."""
    return subprocess.run(["node", "-e", script], cwd=ROOT, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="session")
def typescript_single_account(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """cdk.tf.json of the TypeScript example's single-account stack (main.ts)."""
    outdir = tmp_path_factory.mktemp("ts")
    run_node(
        "const { App } = require('cdktf'); const { SingleAccountStack } = require('./dist/main.js');"
        f"const app = new App({{ outdir: {json.dumps(str(outdir))} }});"
        "new SingleAccountStack(app, 'lookout-vision-single-account'); app.synth();"
    )
    return json.loads((outdir / "stacks" / "lookout-vision-single-account" / "cdk.tf.json").read_text())
