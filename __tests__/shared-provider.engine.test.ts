import * as fs from "node:fs";
import * as path from "node:path";
import { canShareConfigured, startSharedProvider, stopSharedProvider } from "../tools/shared-provider";
import { engine, engineOverride, removeTempDirs, shareConfiguredProvider, tempDir, tofuAsync, tofuOk, validateAsync, ValidateResult } from "./engine";

// A shared provider process (tools/shared-provider.ts) must never change what the engine reports:
// a broken configuration gets the same diagnostics from a provider tofu starts itself and from the
// shared one, for validate (the run's unconfigured provider) and for a plan (a folder's own
// configured provider).

jest.setTimeout(240_000);
afterAll(removeTempDirs);

/**
 * Errors from each layer: the configuration language (an unknown argument), the provider's
 * schema (a missing required argument, a wrong type) and the provider's own validators (a
 * window out of range, a status it does not know), which run in the provider process.
 */
const BROKEN = {
  provider: { aws: [{ region: "eu-west-1" }] },
  resource: {
    aws_kms_key: { short_window: { deletion_window_in_days: 3, description: "x" } },
    aws_kms_alias: { no_target: { name: "alias/x" } },
    aws_s3_bucket: { unknown_argument: { bucket: "b", colour: "blue" } },
    aws_s3_bucket_versioning: { bad_status: { bucket: "b", versioning_configuration: { status: "Maybe" } } },
    aws_s3_bucket_public_access_block: { wrong_type: { bucket: "b", block_public_acls: "sometimes" } },
  },
};

/** Only provider-side errors, so a plan gets past validation to the provider's own checks. */
const BROKEN_AT_PLAN = {
  provider: { aws: [{ region: "eu-west-1" }] },
  resource: {
    aws_kms_key: { short_window: { deletion_window_in_days: 3 } },
    aws_s3_bucket_versioning: { bad_status: { bucket: "b", versioning_configuration: { status: "Maybe" } } },
  },
};

function stackFolder(prefix: string, config: object): string {
  const dir = tempDir(prefix);
  fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(config, null, 2));
  fs.writeFileSync(path.join(dir, "engine_override.tf.json"), JSON.stringify(engineOverride(config)));
  tofuOk(dir, ["init", "-input=false", "-no-color"]);
  return dir;
}

interface Diagnostic {
  readonly severity: string;
  readonly summary: string;
  readonly detail?: string;
  readonly address?: string;
}

/** The diagnostics of a `-json` plan stream, in a stable order. */
function planDiagnostics(stdout: string): Diagnostic[] {
  return stdout
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { type: string; diagnostic?: Diagnostic })
    .filter((message) => message.type === "diagnostic")
    .map(({ diagnostic }) => ({
      severity: diagnostic!.severity,
      summary: diagnostic!.summary,
      detail: diagnostic!.detail,
      address: diagnostic!.address,
    }))
    .sort(byJson);
}

function byJson(a: object, b: object): number {
  const [left, right] = [JSON.stringify(a), JSON.stringify(b)];
  return left < right ? -1 : left > right ? 1 : 0;
}

describe("the shared provider changes no result", () => {
  it("validate: the same errors, every layer's, from tofu's own provider and the shared schema provider", async () => {
    const dir = stackFolder("shared-validate", BROKEN);
    // The engine walks the configuration concurrently: the diagnostics come in any order.
    const sorted = (result: ValidateResult) => ({ ...result, diagnostics: [...result.diagnostics].sort(byJson) });
    const own = sorted(await validateAsync(dir, "own"));
    const shared = sorted(await validateAsync(dir, "schema-only"));
    expect(shared).toEqual(own);
    const summaries = own.diagnostics.map((d) => `${d.summary} ${d.detail ?? ""}`).join("\n");
    // Each layer reported something: the language, the schema and the provider's validators.
    expect(summaries).toMatch(/No argument or block type is named "colour"/);
    expect(summaries).toMatch(/Missing required argument/);
    expect(summaries).toMatch(/Incorrect attribute value type/);
    expect(summaries).toMatch(/deletion_window_in_days/);
    expect(summaries).toMatch(/status to be one of .*got Maybe/);
    expect(own.error_count).toBe(5);
  });

  it("plan: the same errors from tofu's own provider and a folder's shared configured provider", async () => {
    const ownDir = stackFolder("shared-plan-own", BROKEN_AT_PLAN);
    const sharedDir = stackFolder("shared-plan-shared", BROKEN_AT_PLAN);
    expect(await shareConfiguredProvider(sharedDir, BROKEN_AT_PLAN)).toBe(true);
    const args = ["plan", "-refresh=false", "-input=false", "-lock=false", "-json"];
    const [own, shared] = [await tofuAsync(ownDir, args), await tofuAsync(sharedDir, args)];
    expect({ status: shared.status, diagnostics: planDiagnostics(shared.stdout) }).toEqual({
      status: own.status,
      diagnostics: planDiagnostics(own.stdout),
    });
    expect(own.status).toBe(1);
    expect(planDiagnostics(own.stdout).filter((d) => d.severity === "error")).toHaveLength(2);
  });

  it("tofu test on the schema provider is refused for a test file that configures a real provider", async () => {
    const dir = stackFolder("shared-test-refused", { provider: { aws: [{ region: "eu-west-1" }] } });
    fs.writeFileSync(path.join(dir, "real.tftest.hcl"), 'provider "aws" {\n  region = "us-east-1"\n}\n\nrun "plan" {\n  command = plan\n}\n');
    await expect(tofuAsync(dir, ["test", "-no-color"], "schema-only")).rejects.toThrow(/mock_provider "aws" in every test file.*real\.tftest\.hcl/);
  });
});

describe("starting a shared provider", () => {
  it("works under a temporary folder too long for a Unix socket's path (a nested TMPDIR, as in CI), and leaves nothing", async () => {
    const saved = process.env.TMPDIR;
    const long = path.join(tempDir("shared-long"), "a-temporary-folder-whose-path-is-long-enough-to-break-a-socket");
    fs.mkdirSync(long);
    process.env.TMPDIR = long;
    try {
      const provider = await startSharedProvider(engine());
      const attach = Object.values(JSON.parse(provider.reattach) as Record<string, { Addr: { String: string } }>)[0];
      expect(Buffer.byteLength(attach.Addr.String)).toBeLessThanOrEqual(107);
      stopSharedProvider(provider);
      expect(fs.existsSync(provider.folder)).toBe(false);
      // Killed (SIGKILL is delivered asynchronously): gone, or a zombie waiting for this process to reap it.
      const running = () =>
        provider.pids.filter((pid) => fs.existsSync(`/proc/${pid}`) && !/\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8")));
      for (const started = Date.now(); running().length > 0 && Date.now() - started < 5000;) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(running()).toEqual([]);
    } finally {
      process.env.TMPDIR = saved;
    }
  });
});

describe("which configurations may share a configured provider", () => {
  it("one AWS provider configuration without alias may; none, two, or an aliased one may not", () => {
    expect(canShareConfigured({ provider: { aws: [{}] } })).toBe(true);
    expect(canShareConfigured({})).toBe(false);
    expect(canShareConfigured({ provider: { aws: [{}, { alias: "replica" }] } })).toBe(false);
    expect(canShareConfigured({ provider: { aws: [{ alias: "replica" }] } })).toBe(false);
  });
});
