import * as fs from "node:fs";
import * as path from "node:path";
import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { KMSClient } from "@aws-sdk/client-kms";
import { S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { HttpsProxyAgent } from "https-proxy-agent";
import { Emulator, EmulatorOptions, emulatorProviderSettings, startEmulator } from "../tools/emulator";
import { providerSettingsFor } from "../tools/engine";
import { engine, removeTempDirs, shareConfiguredProvider, tofuAsync, tofuOkAsync, TofuResult } from "./engine";
import { SynthJson } from "./helpers";

/**
 * The deploy checks' side of the AWS emulator (tools/emulator.ts): AWS SDK clients that go
 * through it, and a synthesized stack or module applied to it with the real engine.
 */

export interface Clients {
  s3(region?: string): S3Client;
  kms(region?: string): KMSClient;
  iam(): IAMClient;
}

/**
 * A proxy agent whose TLS connections through the tunnel trust the emulator's CA (the agent
 * passes each request's options, not its own, to the tunnel's TLS connection). Keep-alive, as
 * moto's proxy ends the tunnel after its first request when CONNECT says `Proxy-Connection: close`.
 */
class EmulatorProxyAgent extends HttpsProxyAgent<string> {
  constructor(
    proxy: string,
    private readonly ca: Buffer,
  ) {
    super(proxy, { keepAlive: true });
  }

  override connect(request: Parameters<HttpsProxyAgent<string>["connect"]>[0], options: Parameters<HttpsProxyAgent<string>["connect"]>[1]) {
    return super.connect(request, options.secureEndpoint ? { ...options, ca: this.ca } : options);
  }
}

/**
 * AWS SDK clients that reach the emulator through its proxy, trusting its CA. One client of each
 * kind per region, made on first use: its connections stay open, where a new client would set up
 * a tunnel and a TLS session through the proxy for every request.
 */
export function clients(emulator: Pick<Emulator, "port" | "caBundle">): Clients {
  const proxy = `http://127.0.0.1:${emulator.port}`;
  const config = (region: string) => ({
    region,
    credentials: { accessKeyId: "emulator", secretAccessKey: "emulator" },
    requestHandler: new NodeHttpHandler({ httpsAgent: new EmulatorProxyAgent(proxy, fs.readFileSync(emulator.caBundle)) }),
    maxAttempts: 1,
  });
  const made = new Map<string, S3Client | KMSClient | IAMClient>();
  const once = <T extends S3Client | KMSClient | IAMClient>(key: string, make: () => T): T => {
    if (!made.has(key)) made.set(key, make());
    return made.get(key) as T;
  };
  return {
    s3: (region = "us-east-1") => once(`s3 ${region}`, () => new S3Client({ ...config(region), followRegionRedirects: true })),
    kms: (region = "us-east-1") => once(`kms ${region}`, () => new KMSClient(config(region))),
    iam: () => once("iam", () => new IAMClient(config("us-east-1"))),
  };
}

/** Roles the stack attaches policies to exist before it, as in a real account. */
export async function createAttachedRoles(json: SynthJson, aws: Clients): Promise<void> {
  const roles = new Set(Object.values(json.resource?.aws_iam_role_policy_attachment ?? {}).map((a) => a.role as string));
  const trust = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lookoutvision.amazonaws.com" }, Action: "sts:AssumeRole" }],
  });
  for (const role of roles) await aws.iam().send(new CreateRoleCommand({ RoleName: role, AssumeRolePolicyDocument: trust }));
}

/**
 * The override that runs a configuration on the emulator: the engine's provider build (the
 * bindings pin another version of the same major, docs/engine.md), state in the working folder,
 * and the emulator's settings on every AWS provider configuration the stack has.
 */
export function emulatorEngineOverride(config: object, emulator: Emulator, options: { pinProvider: boolean }): Record<string, unknown> {
  const providers = providerSettingsFor(config, emulatorProviderSettings(emulator));
  return {
    terraform: {
      ...(options.pinProvider ? { required_providers: { aws: { source: "aws", version: engine().provider.version } } } : {}),
      backend: { local: { path: "terraform.tfstate" } },
    },
    ...(providers.length > 0 ? { provider: { aws: providers } } : {}),
  };
}

/** What `tofu plan -detailed-exitcode` found: 0 no change, 2 changes (1 is an error and throws). */
export interface SecondPlan {
  readonly changed: boolean;
  /** The plan's human-readable text, for failure messages. */
  readonly text: string;
}

export async function planChanges(dir: string, extraArgs: string[] = []): Promise<SecondPlan> {
  const result = await tofuAsync(dir, ["plan", "-detailed-exitcode", "-input=false", "-no-color", ...extraArgs]);
  if (result.status !== 0 && result.status !== 2) throw tofuError(dir, "plan -detailed-exitcode", result);
  return { changed: result.status === 2, text: result.stdout };
}

function tofuError(dir: string, command: string, result: TofuResult): Error {
  return new Error(`tofu ${command} failed in ${dir} (exit ${result.status}):\n${result.stderr}\n${result.stdout}`);
}

export async function apply(dir: string, extraArgs: string[] = []): Promise<void> {
  await tofuOkAsync(dir, ["apply", "-auto-approve", "-input=false", "-no-color", ...extraArgs]);
}

/** `tofu output -json`, as name → value. */
export async function outputs(dir: string): Promise<Record<string, unknown>> {
  const raw = JSON.parse(await tofuOkAsync(dir, ["output", "-json"])) as Record<string, { value: unknown }>;
  return Object.fromEntries(Object.entries(raw).map(([name, output]) => [name, output.value]));
}

/** Every managed resource's address in the state (data sources, `data.x.y` in any module, left out). */
export async function stateAddresses(dir: string): Promise<string[]> {
  const isDataSource = (address: string) => /(^|\.)data\.[a-z0-9_]+\.[^.]+$/.test(address);
  return (await tofuOkAsync(dir, ["state", "list"]))
    .split("\n")
    .filter((line) => line !== "" && !isDataSource(line))
    .sort();
}

/**
 * Writes the emulator override next to a configuration and runs `tofu init`; the folder's later
 * commands (apply, plans, outputs, destroy: one after another) share one provider process when
 * the configuration has a single AWS provider configuration.
 */
export async function initOnEmulator(dir: string, config: object, emulator: Emulator, options: { pinProvider: boolean }): Promise<void> {
  fs.writeFileSync(path.join(dir, "emulator_override.tf.json"), JSON.stringify(emulatorEngineOverride(config, emulator, options), null, 2));
  await tofuOkAsync(dir, ["init", "-input=false", "-no-color"]);
  await shareConfiguredProvider(dir, config);
}

/** Runs `body` with a fresh emulator acting in `account`; stops it however `body` ends. */
export async function withEmulator<T>(account: string, body: (emulator: Emulator) => Promise<T>): Promise<T> {
  const emulator = await startEmulator({ account });
  try {
    return await body(emulator);
  } finally {
    await emulator.stop();
  }
}

/**
 * Deployments side by side in a file's beforeAll, each on the emulators it starts with
 * `startOwn`; afterAll stops them all and removes the temporary folders. Returns what a test
 * reads a deployment by; for one that failed it throws, pointing at beforeAll's error.
 */
export function deploySideBySide<D>(
  names: readonly string[],
  deploy: (name: string, startOwn: (options: EmulatorOptions) => Promise<Emulator>) => Promise<D>,
  describe: (name: string) => string,
): (name: string) => D {
  const deployed = new Map<string, D>();
  const emulators: Emulator[] = [];
  const startOwn = async (options: EmulatorOptions) => {
    const emulator = await startEmulator(options);
    emulators.push(emulator);
    return emulator;
  };
  beforeAll(async () => {
    await Promise.all(names.map(async (name) => deployed.set(name, await deploy(name, startOwn))));
  }, 600_000);
  afterAll(async () => {
    await Promise.all(emulators.map((e) => e.stop()));
    removeTempDirs();
  });
  return (name) => {
    const found = deployed.get(name);
    if (!found) throw new Error(`${describe(name)} was not deployed (see beforeAll's error)`);
    return found;
  };
}

/**
 * The addresses a destroy refused for `prevent_destroy`, once each, from its error text: tofu's,
 * wrapped at the terminal width, or the cdktf CLI's, in colour and boxed, with the construct path
 * after each address.
 */
export function refusedForPreventDestroy(output: string): string[] {
  const text = output
    .replace(/\u001b\[[0-9;]*m/g, "")
    .replace(/[│╷╵]/g, " ")
    .replace(/\s+/g, " ");
  return [...new Set([...text.matchAll(/Resource instance (\S+)(?: \([^)]*\))? has prevent_destroy set/g)].map((m) => m[1]))].sort();
}
