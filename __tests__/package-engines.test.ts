import { mkdtempSync, readFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { parse } from "@cdktf/hcl2json";
import { App, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { satisfies, subset } from "semver";
import { writeModule } from "../tools/terraform-module/build";
import { installCommand, table } from "./package-readme";
import {
  CDKTF,
  CDKTN,
  Flavour,
  FLAVOURS,
  flavourManifest,
  installedEngine,
  PackageJson,
  readPackage,
  rewriteImports,
  withoutEngineStamp,
} from "../tools/pack-flavours";

/** The engine the suite runs on: `globals` of jest.config.js, or of tools/cdktn-test.ts. */
declare const expectedEngine: string;

const ROOT = join(__dirname, "..");
const NODE_MODULES = join(ROOT, "node_modules");
const source = readPackage(ROOT);
const installed = (name: string): PackageJson => readPackage(join(NODE_MODULES, name));
const flavourOf = (engine: string): Flavour => FLAVOURS.find((f) => f.engine === engine) ?? CDKTF;

describe("peer dependencies", () => {
  it("cdktf, constructs and the AWS provider bindings are peers, never dependencies, each with its devDependency's range", () => {
    expect(source.dependencies).toBeUndefined();
    expect(Object.keys(source.peerDependencies ?? {}).sort()).toEqual(["@cdktf/provider-aws", "cdktf", "constructs"]);
    for (const [name, range] of Object.entries(source.peerDependencies ?? {})) expect([name, source.devDependencies?.[name]]).toEqual([name, range]);
  });

  it.each(FLAVOURS.map((f) => [f.engine, f] as const))(
    "%s flavour: the installed engine, bindings and constructs satisfy its peers",
    (_engine, flavour) => {
      const peers = flavourManifest(source, flavour).peerDependencies ?? {};
      expect(Object.keys(peers).sort()).toEqual([flavour.providerPackage, flavour.engine, "constructs"].sort());
      const unmet = Object.entries(peers).filter(([name, range]) => !satisfies(installed(name).version, range));
      expect(unmet.map(([name, range]) => `${name}@${installed(name).version} is not ${range}`)).toEqual([]);
    },
  );

  it.each(FLAVOURS.map((f) => [f.engine, f] as const))(
    "%s flavour: every version its peers allow is one the engine and the bindings accept",
    (_engine, flavour) => {
      const peers = flavourManifest(source, flavour).peerDependencies ?? {};
      const outside = [flavour.engine, flavour.providerPackage].flatMap((dependent) =>
        Object.entries(installed(dependent).peerDependencies ?? {})
          .filter(([name, theirs]) => peers[name] && !subset(peers[name], theirs))
          .map(([name, theirs]) => `${dependent} wants ${name} ${theirs}, ours allows ${peers[name]}`),
      );
      expect(Object.keys(peers).filter((name) => name !== flavour.engine && name !== flavour.providerPackage)).toEqual(["constructs"]);
      expect(outside).toEqual([]);
    },
  );

  it("the rule above would notice a constructs range cdktn does not accept", () => {
    expect(subset("^10.8.1", installed("cdktn").peerDependencies?.constructs ?? "")).toBe(false);
  });
});

describe("the cdktn package.json", () => {
  const cdktn = flavourManifest(source, CDKTN);

  it("names cdktn, its provider bindings and the tested ranges; everything else as published for cdktf", () => {
    expect(cdktn.name).toBe("cdktn-lookout-vision-encryption");
    expect(cdktn.description).toBe(source.description?.replace(/^CDKTF /, "CDK Terrain (cdktn) "));
    expect(cdktn.keywords).toEqual(source.keywords?.map((k) => (k === "cdktf" ? "cdktn" : k)));
    expect(cdktn.peerDependencies).toEqual({
      cdktn: source.devDependencies?.cdktn,
      "@cdktn/provider-aws": source.devDependencies?.["@cdktn/provider-aws"],
      constructs: source.peerDependencies?.constructs,
    });
    const rest = (pkg: PackageJson) =>
      Object.fromEntries(
        Object.entries(pkg).filter(([k]) => !["name", "description", "keywords", "peerDependencies", "scripts", "devDependencies"].includes(k)),
      );
    expect(rest(cdktn)).toEqual(rest(source));
    expect(cdktn.scripts).toBeUndefined();
    expect(cdktn.devDependencies).toBeUndefined();
  });

  it("the cdktf flavour is the repository's package.json as is", () => {
    expect(flavourManifest(source, CDKTF)).toBe(source);
  });
});

describe("README", () => {
  it.each(FLAVOURS.map((f) => [f.engine, f] as const))(
    "%s: the install command names the package and its peers with their ranges",
    (_engine, flavour) => {
      const manifest = flavourManifest(source, flavour);
      expect(installCommand(manifest.name)).toEqual({ [manifest.name]: "", ...manifest.peerDependencies });
    },
  );

  it("the tested-versions table names the versions the tests run on", () => {
    const column = (flavour: Flavour) => {
      const { provider } = installedEngine(flavour, NODE_MODULES);
      return [
        `\`${flavourManifest(source, flavour).name}\``,
        `${flavour.engine} ${installed(flavour.engine).version}`,
        `${flavour.providerPackage} ${installed(flavour.providerPackage).version} (${provider.name.replace(/^registry\.terraform\.io\//, "")} ${
          provider.version
        })`,
        installed("constructs").version,
      ];
    };
    const [cdktf, cdktn] = [column(CDKTF), column(CDKTN)];
    const labels = ["", "engine", "AWS provider bindings", "constructs"];
    const expected = labels.map((label, i) => [label, cdktf[i], cdktn[i]]);
    const [header, , ...rows] = table("tested-versions");
    expect([header, ...rows]).toEqual(expected);
  });
});

describe("import rewrite for cdktn", () => {
  it("renames the engine and the provider bindings in require, import, export and import() forms; leaves other packages", () => {
    const code = [
      'const cdktf_1 = require("cdktf");',
      'const kms_key_1 = require("@cdktf/provider-aws/lib/kms-key");',
      'import { Construct } from "constructs";',
      "import { App } from 'cdktf';",
      'export * from "cdktf/lib/testing";',
      'import "cdktf/lib/testing/adapters/jest";',
      'type T = import("cdktf").IResolvable;',
      'const local = require("./cdktf-helpers");',
      'const hcl = require("@cdktf/hcl2json");',
      'const out = "cdktf.out";',
    ].join("\n");
    expect(rewriteImports(code, CDKTN).split("\n")).toEqual([
      'const cdktf_1 = require("cdktn");',
      'const kms_key_1 = require("@cdktn/provider-aws/lib/kms-key");',
      'import { Construct } from "constructs";',
      "import { App } from 'cdktn';",
      'export * from "cdktn/lib/testing";',
      'import "cdktn/lib/testing/adapters/jest";',
      'type T = import("cdktn").IResolvable;',
      'const local = require("./cdktf-helpers");',
      'const hcl = require("@cdktf/hcl2json");',
      'const out = "cdktf.out";',
    ]);
  });

  it("fails on a form it does not rewrite, naming the file and line", () => {
    expect(() => rewriteImports('const x = 1;\nconst p = require.resolve("cdktf");', CDKTN, "dist/modules/x.js")).toThrow(
      'cdktn flavour: dist/modules/x.js still names cdktf or @cdktf/provider-aws after the rewrite:\ndist/modules/x.js:2: const p = require.resolve("cdktf");',
    );
  });

  it("leaves code alone for cdktf", () => {
    expect(rewriteImports('require("cdktf")', CDKTF)).toBe('require("cdktf")');
  });
});

describe(`the engine the suite runs on (${expectedEngine})`, () => {
  const flavour = flavourOf(expectedEngine);

  it("is the one jest was configured for: every cdktf import resolves to its package, the provider bindings to its bindings", () => {
    expect(FLAVOURS.map((f) => f.engine)).toContain(expectedEngine);
    expect(require.resolve("cdktf")).toContain(join("node_modules", flavour.engine, ""));
    expect(require.resolve("@cdktf/provider-aws/lib/provider")).toContain(join("node_modules", flavour.providerPackage, ""));
  });

  it("stamps its own version and its bindings' provider version into a synthesized stack", () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), "engine-")) });
    const stack = new TerraformStack(app, "probe");
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    app.synth();
    const json = JSON.parse(readFileSync(join(app.outdir, "stacks", "probe", "cdk.tf.json"), "utf8")) as Record<string, unknown>;
    expect(() => withoutEngineStamp(json, "probe", installedEngine(flavour, NODE_MODULES))).not.toThrow();
    const other = FLAVOURS.find((f) => f !== flavour) ?? CDKTN;
    expect(() => withoutEngineStamp(json, "probe", installedEngine(other, NODE_MODULES))).toThrow(/engine version .*; aws provider version/);
  });
});

/** Whether `version` meets a Terraform version constraint (`>= 6.25.0, < 7.0.0`, `~> 6.0`, ...). */
function meetsTerraformConstraint(version: string, constraint: string): boolean {
  const parts = (v: string) => v.split(".").map(Number);
  const compare = (a: number[], b: number[]) => {
    for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
    return 0;
  };
  const v = parts(version);
  return constraint.split(",").every((term) => {
    const match = /^\s*(>=|<=|!=|~>|>|<|=)?\s*(\d+(?:\.\d+){0,2})\s*$/.exec(term);
    if (!match) throw new Error(`unsupported version constraint: ${term}`);
    const bound = parts(match[2]);
    const c = compare(v, bound);
    switch (match[1] ?? "=") {
      case ">=":
        return c >= 0;
      case "<=":
        return c <= 0;
      case ">":
        return c > 0;
      case "<":
        return c < 0;
      case "!=":
        return c !== 0;
      case "=":
        return c === 0;
      default: {
        // ~> x.y.z allows x.y.*; ~> x.y allows x.*: the last given part may grow.
        if (bound.length < 2) throw new Error(`unsupported version constraint: ${term}`);
        const upper = bound.slice(0, -1);
        upper[upper.length - 1] += 1;
        return c >= 0 && compare(v, upper) < 0;
      }
    }
  });
}

describe("the Terraform module's provider range", () => {
  let constraint: string;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "module-"));
    writeModule(dir);
    const versions = (await parse("versions.tf", readFileSync(join(dir, "versions.tf"), "utf8"))) as {
      terraform: Array<{ required_providers: Array<Record<string, { source: string; version: string }>> }>;
    };
    constraint = versions.terraform[0].required_providers[0].aws.version;
  });

  it.each(FLAVOURS.map((f) => [f.providerPackage, f] as const))("accepts the AWS provider %s was generated from", (_name, flavour) => {
    const { provider } = installedEngine(flavour, NODE_MODULES);
    expect(meetsTerraformConstraint(provider.version, constraint) ? "" : `${provider.version} does not meet ${constraint}`).toBe("");
  });

  it("is checked by a reader of Terraform constraints that also says no", () => {
    expect([">= 6.25.0, < 7.0.0", "~> 6.25", "~> 6.25.0", "!= 6.66.0", "6.66.0"].map((c) => meetsTerraformConstraint("6.66.0", c))).toEqual([
      true,
      true,
      false,
      false,
      true,
    ]);
    expect([">= 6.25.0, < 7.0.0", "> 6.25.0", "~> 6.25"].map((c) => meetsTerraformConstraint("7.0.0", c))).toEqual([false, true, false]);
    expect(meetsTerraformConstraint("6.24.9", ">= 6.25.0, < 7.0.0")).toBe(false);
  });
});
