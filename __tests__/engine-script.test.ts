import * as fs from "node:fs";
import { enginePaths, providerBuildFor, replaceDirectives, tofurcText } from "../tools/engine";

// The pure parts of tools/engine.ts; the build itself is exercised by every engine test.

describe("tools/engine.ts", () => {
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
    const bindings = JSON.parse(fs.readFileSync(require.resolve("@cdktf/provider-aws/package.json"), "utf8")) as { cdktf: { provider: { version: string } } };
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
});
