import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
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

  it("document a default for every optional prop", () => {
    const all = propRows(["LookoutVisionKeyProps", "EncryptedBucketProps", "LookoutVisionEncryptionProps", "ConsoleBucketOwnProps", "OutputBucketOwnProps"]);
    const missing = Object.entries(all).flatMap(([iface, rows]) => rows.filter((r) => r.defaultValue === "(required)" && r.name !== "encryptionKey").map((r) => `${iface}.${r.name}`));
    expect(missing).toEqual([]);
  });
});
