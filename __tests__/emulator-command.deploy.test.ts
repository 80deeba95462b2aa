import { ChildProcessByStdio, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { Readable } from "node:stream";
import { CreateKeyCommand } from "@aws-sdk/client-kms";
import { ListBucketsCommand } from "@aws-sdk/client-s3";
import { emulatorOverride, OVERRIDE_FILE } from "../tools/emulator";
import { ROOT } from "../tools/pack-flavours";
import { clients, stateAddresses } from "./emulator";
import { removeTempDirs, tempDir, tofuOkAsync } from "./engine";

// `npm run emulator`, as a user runs it in a terminal: it prints one line, `ready <path>`, where
// <path> is an override file pointing the AWS provider and each alias given at it; a
// configuration with that file next to it applies on the emulator, in the account given. It stops
// on Ctrl-C (SIGINT to the terminal's process group) and on SIGTERM to npm alone (a supervisor's
// kill), leaving no process of its group and not its folder.

const ACCOUNT = "222222222222";
const ALIAS = "replica";

interface Running {
  readonly npm: ChildProcessByStdio<null, Readable, Readable>;
  /** What the command printed before it was stopped. */
  readonly stdout: string;
  readonly override: string;
  readonly exited: Promise<void>;
}

/** `npm run emulator -- <args>` in a process group of its own (as a terminal starts a command), once it printed a line. */
function startCommand(args: string[]): Promise<Running> {
  const npm = spawn("npm", ["run", "--silent", "emulator", "--", ...args], { cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  // "exit", not "close": a process left behind would keep npm's pipes open.
  const exited = new Promise<void>((resolve) => npm.on("exit", () => resolve()));
  let stdout = "";
  let stderr = "";
  npm.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    npm.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes("\n")) resolve({ npm, stdout, override: /^ready (\S+)\n/.exec(stdout)?.[1] ?? "", exited });
    });
    void exited.then(() => reject(new Error(`npm run emulator ended before it printed a line:\n${stdout}\n${stderr}`)));
  });
}

/** The live processes of a process group. */
function processesOf(group: number): string[] {
  const lines = execFileSync("ps", ["-A", "-o", "pid=,pgid=,stat=,args="], { encoding: "utf8" }).split("\n");
  return lines.filter((line) => {
    const [, pgid, stat] = line.trim().split(/\s+/);
    return Number(pgid) === group && !stat.startsWith("Z");
  });
}

/** The processes of the group still alive after it had 30 s to end (none, once it ended). */
async function leftInGroup(group: number): Promise<string[]> {
  for (let tries = 0; tries < 60; tries++) {
    const left = processesOf(group);
    if (left.length === 0) return [];
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return processesOf(group);
}

let running: Running[] = [];

/** The emulator an override file points at: its proxy's port and its CA. */
function emulatorOf(override: string): { port: number; caBundle: string } {
  const settings = (JSON.parse(fs.readFileSync(override, "utf8")) as { provider: { aws: Record<string, string>[] } }).provider.aws[0];
  return { port: Number(/^http:\/\/127\.0\.0\.1:(\d+)$/.exec(settings.https_proxy)?.[1]), caBundle: settings.custom_ca_bundle };
}

afterAll(async () => {
  // Only if a test failed before stopping its command.
  for (const r of running) if (processesOf(r.npm.pid!).length > 0) process.kill(-r.npm.pid!, "SIGKILL");
  removeTempDirs();
});

// An apply through the proxy on a loaded 2-core machine: seconds, not milliseconds.
jest.setTimeout(90_000);

describe("npm run emulator", () => {
  let first: Running;

  beforeAll(async () => {
    // One after the other: each starts with `npm run build`, and two builds would write dist/ at once.
    first = await startCommand(["--account", ACCOUNT, "--alias", ALIAS]);
    running = [first, await startCommand([])];
    // Each start includes an incremental `npm run build`.
  }, 240_000);

  it("prints one line, ready <path>, where <path> is an override file Terraform merges", () => {
    expect(first.stdout).toMatch(/^ready \S+\n$/);
    expect(path.basename(first.override)).toBe(OVERRIDE_FILE);
    expect(OVERRIDE_FILE).toMatch(/_override\.tf\.json$/);
  });

  it("writes the emulator's provider settings for the default provider and each alias given", () => {
    const emulator = emulatorOf(first.override);
    expect(JSON.parse(fs.readFileSync(first.override, "utf8"))).toEqual(emulatorOverride(emulator, [ALIAS]));
    expect(fs.existsSync(emulator.caBundle)).toBe(true);
  });

  it("is what a configuration next to the override applies on, in the account given, aliases included", async () => {
    const dir = tempDir("emulator-command");
    fs.copyFileSync(first.override, path.join(dir, OVERRIDE_FILE));
    fs.writeFileSync(
      path.join(dir, "main.tf"),
      [
        'provider "aws" {\n  region = "us-east-1"\n}',
        `provider "aws" {\n  alias  = "${ALIAS}"\n  region = "eu-west-1"\n}`,
        'resource "aws_s3_bucket" "here" {\n  bucket = "emulator-command-here"\n}',
        `resource "aws_s3_bucket" "there" {\n  provider = aws.${ALIAS}\n  bucket   = "emulator-command-there"\n}`,
        'data "aws_caller_identity" "current" {}',
        'output "account" {\n  value = data.aws_caller_identity.current.account_id\n}',
      ].join("\n\n"),
    );
    await tofuOkAsync(dir, ["init", "-input=false", "-no-color"]);
    await tofuOkAsync(dir, ["apply", "-auto-approve", "-input=false", "-no-color"]);
    expect(await stateAddresses(dir)).toEqual(["aws_s3_bucket.here", "aws_s3_bucket.there"]);
    expect(JSON.parse(await tofuOkAsync(dir, ["output", "-json", "account"]))).toBe(ACCOUNT);
    const aws = clients(emulatorOf(first.override));
    expect(((await aws.s3().send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name).sort()).toEqual([
      "emulator-command-here",
      "emulator-command-there",
    ]);
    expect((await aws.kms().send(new CreateKeyCommand({}))).KeyMetadata?.Arn).toMatch(new RegExp(`^arn:aws:kms:us-east-1:${ACCOUNT}:key/`));
  });

  it.each([
    ["SIGINT to its process group (Ctrl-C in a terminal)", 0, (r: Running) => process.kill(-r.npm.pid!, "SIGINT")],
    ["SIGTERM to npm alone", 1, (r: Running) => r.npm.kill("SIGTERM")],
  ])("stops on %s, leaving no process and no folder", async (_how, index, stop) => {
    const r = running[index];
    expect(fs.existsSync(path.dirname(r.override))).toBe(true);
    stop(r);
    await r.exited;
    expect(await leftInGroup(r.npm.pid!)).toEqual([]);
    expect(fs.existsSync(path.dirname(r.override))).toBe(false);
  });
});
