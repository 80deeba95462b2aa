import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  enginePaths,
  installedBinaryPath,
  memoryLimitBytes,
  PROVIDER_BUILD_GIB,
  providerBuildFor,
  providerBuildRefusal,
  replaceDirectives,
  tofurcText,
} from "../tools/engine";
import { cacheRoot } from "../tools/tool-cache";

// The pure parts of tools/engine.ts; the build itself is exercised by every engine test.

describe("tools/engine.ts", () => {
  describe("memory for the provider build, checked before it starts", () => {
    const GiB = 1024 ** 3;
    const cgroup = (files: Record<string, string>) => (file: string) => files[file];

    it("takes the lower of the machine's memory and its cgroup's limit (v2 or v1); an unlimited cgroup says max", () => {
      expect(memoryLimitBytes(24 * GiB, cgroup({}))).toBe(24 * GiB);
      expect(memoryLimitBytes(24 * GiB, cgroup({ "/sys/fs/cgroup/memory.max": "max\n" }))).toBe(24 * GiB);
      expect(memoryLimitBytes(24 * GiB, cgroup({ "/sys/fs/cgroup/memory.max": `${8 * GiB}\n` }))).toBe(8 * GiB);
      expect(memoryLimitBytes(24 * GiB, cgroup({ "/sys/fs/cgroup/memory/memory.limit_in_bytes": `${6 * GiB}\n` }))).toBe(6 * GiB);
      expect(memoryLimitBytes(4 * GiB, cgroup({ "/sys/fs/cgroup/memory.max": `${8 * GiB}` }))).toBe(4 * GiB);
    });

    it("refuses below the build's peak with a message naming the amount, ENGINE_BINARY and ENGINE_PROVIDER=registry; allows at or above it", () => {
      const paths = { bindingsProviderVersion: "6.25.0" };
      const refusal = providerBuildRefusal(7.5 * GiB, paths);
      expect(refusal).toContain(`needs about ${PROVIDER_BUILD_GIB} GiB`);
      expect(refusal).toContain("this machine allows 7.5 GiB");
      expect(refusal).toContain("ENGINE_BINARY=/path/to/tofu ENGINE_PROVIDER=registry npm test");
      expect(refusal).toContain("hashicorp/aws 6.25.0");
      expect(providerBuildRefusal(PROVIDER_BUILD_GIB * GiB, paths)).toBeUndefined();
      expect(providerBuildRefusal(24 * GiB, paths)).toBeUndefined();
    });
  });

  it("repeats single-line and block replace directives of a go.mod", () => {
    const goMod = [
      "module example.com/x",
      "",
      "go 1.26",
      "",
      "require a.example/b v1.0.0",
      "",
      "replace github.com/hashicorp/hcl/v2 v2.20.1 => github.com/opentofu/hcl/v2 v2.20.2-0.20251021132045-587d123c2828",
      "",
      "replace (",
      "\tgithub.com/a/b => github.com/c/b v1.2.3",
      "",
      "\tgithub.com/d/e v0.1.0 => ../local",
      ")",
    ].join("\n");
    expect(replaceDirectives(goMod)).toEqual([
      "replace github.com/hashicorp/hcl/v2 v2.20.1 => github.com/opentofu/hcl/v2 v2.20.2-0.20251021132045-587d123c2828",
      "replace github.com/a/b => github.com/c/b v1.2.3",
      "replace github.com/d/e v0.1.0 => ../local",
    ]);
    expect(replaceDirectives("module x\n\ngo 1.26\n")).toEqual([]);
  });

  it("reads the provider version from the bindings and picks the nearest pinned build of the same major, newer ones first", () => {
    const paths = enginePaths();
    const bindings = JSON.parse(fs.readFileSync(require.resolve("@cdktf/provider-aws/package.json"), "utf8")) as {
      cdktf: { provider: { version: string } };
    };
    expect(paths.bindingsProviderVersion).toBe(bindings.cdktf.provider.version);
    expect(providerBuildFor("6.25.0").version).toBe("6.47.1");
    expect(providerBuildFor("6.47.1").version).toBe("6.47.1");
    expect(providerBuildFor("6.66.0").version).toBe("6.47.1");
    expect(() => providerBuildFor("5.100.0")).toThrow(/no pinned AWS provider build of major 5 for 5\.100\.0/);
  });

  it("keys the cache by both versions, outside the repository", () => {
    const paths = enginePaths();
    expect(paths.dir).toMatch(/cdktf-lookout-vision-encryption\/engine\/tofu-1\.12\.6_aws-6\.47\.1$/);
    expect(paths.dir.startsWith(process.cwd())).toBe(false);
    expect(paths.providerBinary).toBe(`${paths.mirror}/registry.opentofu.org/hashicorp/aws/6.47.1/linux_amd64/terraform-provider-aws_v6.47.1`);
  });

  it("writes a CLI configuration that installs the AWS provider only from the local mirror", () => {
    const text = tofurcText(enginePaths());
    expect(text).toContain("filesystem_mirror {");
    expect(text).toMatch(/include = \["registry\.opentofu\.org\/hashicorp\/aws", "registry\.terraform\.io\/hashicorp\/aws"\]/);
    expect(text).not.toMatch(/direct/);
  });

  describe("with an installed engine and the registry's provider (the GitHub workflows)", () => {
    const saved = { ENGINE_BINARY: process.env.ENGINE_BINARY, ENGINE_PROVIDER: process.env.ENGINE_PROVIDER };
    afterEach(() => {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });

    it("finds a bare ENGINE_BINARY name on PATH, and takes a path as given", () => {
      const bin = fs.mkdtempSync(path.join(os.tmpdir(), "engine-bin-"));
      fs.writeFileSync(path.join(bin, "tofu"), "");
      expect(installedBinaryPath("tofu", ["/nonexistent", bin].join(path.delimiter))).toBe(path.join(bin, "tofu"));
      expect(installedBinaryPath("tofu", "/nonexistent")).toBe(path.resolve("tofu"));
      expect(installedBinaryPath("./bin/tofu", bin)).toBe(path.resolve("bin/tofu"));
    });

    it("keeps the registry's provider, at the bindings' version, in a mirror of its own that tofu reads alone", () => {
      process.env.ENGINE_BINARY = "/opt/tofu/tofu";
      process.env.ENGINE_PROVIDER = "registry";
      const paths = enginePaths();
      expect(paths.tofu).toBe("/opt/tofu/tofu");
      expect(paths.provider.version).toBe(paths.bindingsProviderVersion);
      expect(paths.dir).toMatch(
        new RegExp(`cdktf-lookout-vision-encryption/engine/tofu-installed_aws-${paths.bindingsProviderVersion.replace(/\./g, "\\.")}-registry$`),
      );
      expect(paths.mirror).toBe(path.join(paths.dir, "mirror"));
      expect(tofurcText(paths)).toContain(`path    = ${JSON.stringify(paths.mirror)}`);
      expect(tofurcText(paths)).not.toMatch(/direct/);
    });

    it("prints the OpenTofu version, the provider version and the mirror for $GITHUB_OUTPUT (--versions)", () => {
      const env = { ...process.env, ENGINE_BINARY: "tofu", ENGINE_PROVIDER: "registry" };
      const run = spawnSync(process.execPath, [path.join(__dirname, "..", "dist", "tools", "engine.js"), "--versions"], { env, encoding: "utf8" });
      expect(run.status).toBe(0);
      // The compiled script reads @cdktf/provider-aws from node_modules itself: read the same file,
      // not through jest's resolver (which the cdktn leg maps to cdktn's bindings).
      const manifest = path.join(__dirname, "..", "node_modules", "@cdktf", "provider-aws", "package.json");
      const version = (JSON.parse(fs.readFileSync(manifest, "utf8")) as { cdktf: { provider: { version: string } } }).cdktf.provider.version;
      const mirror = path.join(cacheRoot(), "engine", `tofu-installed_aws-${version}-registry`, "mirror");
      expect(run.stdout).toBe(`opentofu=1.12.6\naws-provider=${version}\nmirror=${mirror}\n`);
    });
  });
});
