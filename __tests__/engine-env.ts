import { enginePaths, isBuilt } from "../tools/engine";

// Runs before cdktf is loaded (jest setupFiles): cdktf reads TERRAFORM_BINARY_NAME once, when its
// util module loads, for Testing's toBeValidTerraform / toPlanSuccessfully matchers.
const paths = enginePaths();
if (isBuilt(paths)) {
  process.env.TERRAFORM_BINARY_NAME = paths.tofu;
  process.env.TF_CLI_CONFIG_FILE = paths.tofurc;
  process.env.CHECKPOINT_DISABLE = "1";
}
