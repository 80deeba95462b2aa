import { appendFileSync, existsSync, readFileSync } from "fs";
import { join, relative } from "path";
import { App, TerraformStack, Testing } from "cdktf";
import { filesUnder, sha256 } from "./output-fingerprint";
import { ROOT } from "./pack-flavours";

/**
 * A jest setup file for `output-fingerprint --tests`: every stack a test synthesizes, hashed and
 * appended to $SYNTH_RECORD as `["<test file> › <test name> #<n>", "<sha256>"]`. Testing.synth's
 * own text sorts keys and drops metadata, so the stack's full JSON (as cdktf writes it) is hashed.
 */

const out = process.env.SYNTH_RECORD as string;
const counts = new Map<string, number>();

function record(detail: string, text: string): void {
  const { testPath, currentTestName } = expect.getState();
  const test = `${relative(ROOT, testPath ?? "")} › ${currentTestName ?? "(file scope)"}`;
  const n = (counts.get(test) ?? 0) + 1;
  counts.set(test, n);
  appendFileSync(out, `${JSON.stringify([`${test} #${n}${detail}`, sha256(text)])}\n`);
}

const synth = Testing.synth.bind(Testing);
Testing.synth = (stack: TerraformStack, runValidations?: boolean): string => {
  const text = synth(stack, runValidations);
  record("", JSON.stringify(stack.toTerraform(), undefined, 2));
  return text;
};

const appSynth = App.prototype.synth;
App.prototype.synth = function (this: App): void {
  appSynth.call(this);
  const stacks = join(this.outdir, "stacks");
  if (existsSync(stacks)) for (const file of filesUnder(stacks)) record(` ${file}`, readFileSync(join(stacks, file), "utf8"));
};
