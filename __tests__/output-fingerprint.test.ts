import { existsSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { Fingerprint, fingerprintDifferences, outputFingerprint } from "../tools/output-fingerprint";

declare const expectedEngine: string;

// What we emit, pinned: the example app's synthesized files and the Terraform module, byte for
// byte. An intended change updates the fingerprint: UPDATE_FINGERPRINT=1 npx jest __tests__/output-fingerprint.test.ts
// (and `UPDATE_FINGERPRINT=1 npm run test:cdktn -- __tests__/output-fingerprint.test.ts` for cdktn,
// whose stacks differ in the engine and provider versions).

const FILE = join(__dirname, "fixtures", "output-fingerprint.json");

describe(`the output fingerprint (${expectedEngine})`, () => {
  const current = outputFingerprint();
  const all = existsSync(FILE) ? (JSON.parse(readFileSync(FILE, "utf8")) as Record<string, Fingerprint>) : {};
  if (process.env.UPDATE_FINGERPRINT === "1") {
    all[expectedEngine] = current;
    writeFileSync(FILE, `${JSON.stringify(all, null, 2)}\n`);
  }

  it("covers every stack of the example app and every file of the Terraform module", () => {
    const paths = Object.keys(current);
    expect(paths).toEqual(
      expect.arrayContaining(["app/manifest.json", "app/stacks/lookout-vision-single-account/cdk.tf.json", "terraform-module/main.tf"]),
    );
    expect(paths.filter((p) => p.startsWith("app/stacks/"))).toHaveLength(3);
  });

  it("is the committed one: the synthesized stacks and the module did not change", () => {
    expect(fingerprintDifferences(all[expectedEngine] ?? {}, current)).toEqual([]);
  });
});
