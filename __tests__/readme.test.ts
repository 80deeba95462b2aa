import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { DEFAULTS } from "../modules/private/defaults";
import { propRows, renderReadme } from "../tools/props-docs";

const README = join(__dirname, "../README.md");

describe("README props tables", () => {
  if (process.env.UPDATE_README === "1") writeFileSync(README, renderReadme(readFileSync(README, "utf8")));
  const readme = readFileSync(README, "utf8");
  const rendered = renderReadme(readme);

  it("are generated from the Props interfaces (run `npm run docs` after changing a prop)", () => {
    expect(readme).toBe(rendered);
  });

  it("list inherited props with their @default", () => {
    const rows = propRows(["LookoutVisionKeyProps"]).LookoutVisionKeyProps;
    expect(rows.find((r) => r.name === "rotationPeriodInDays")).toEqual({
      name: "rotationPeriodInDays",
      type: "number",
      defaultValue: "365",
      description: "Days between automatic rotations (rotation is always on).",
    });
    expect(rows.map((r) => r.name)).toEqual(expect.arrayContaining(["region", "accountId", "partition", "provider"]));
  });

  const PROPS = [
    "LookoutVisionKeyProps",
    "EncryptedBucketProps",
    "LookoutVisionEncryptionProps",
    "ConsoleBucketProps",
    "OutputBucketProps",
    "AccessLogBucketProps",
    "BucketSettings",
    "OutputBucketEntry",
  ];

  it("document a default for every optional prop", () => {
    const all = propRows(PROPS);
    const missing = Object.entries(all).flatMap(([iface, rows]) =>
      rows.filter((r) => r.defaultValue === "(required)" && !["encryptionKey", "id"].includes(r.name)).map((r) => `${iface}.${r.name}`),
    );
    expect(missing).toEqual([]);
  });

  it("document the defaults the constructs use (modules/private/defaults.ts)", () => {
    const shown = (value: unknown) => (typeof value === "string" ? JSON.stringify(value) : String(value));
    const catalogued = (name: string): unknown => (name in DEFAULTS ? DEFAULTS[name as keyof typeof DEFAULTS] : undefined);
    const rows = Object.entries(propRows(PROPS)).flatMap(([iface, list]) => list.map((row) => ({ iface, ...row })));
    const expected = (row: { iface: string; name: string }) =>
      row.iface === "AccessLogBucketProps" && row.name === "bucketPrefix"
        ? DEFAULTS.logBucketPrefix
        : row.name === "prefix"
          ? DEFAULTS.outputPrefix
          : catalogued(row.name);
    const documented = rows.filter((row) => expected(row) !== undefined);
    expect(documented.length).toBeGreaterThan(30);
    const wrong = documented
      .filter((row) => !row.defaultValue.startsWith(shown(expected(row))))
      .map((row) => `${row.iface}.${row.name}: ${row.defaultValue}`);
    expect(wrong).toEqual([]);
  });
});
