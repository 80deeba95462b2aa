#!/usr/bin/env node
// Synth and test benchmarks with their budgets (issue 8). Every measurement is a separate
// whole process, run several times; wall time comes from hrtime around spawnSync, peak RSS
// from bench/rss-probe.js preloaded into every node process of the run (max over them).
// Usage: node bench/run.js [id ...]   (ids as in the table, e.g. b d100; default: all)
// Not part of `npm test`: timings belong in a report, not in assertions.
const { spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const PROBE = path.join(__dirname, "rss-probe.js");
const FIXTURES = path.join(__dirname, "fixtures");
const CDKTF = path.join(ROOT, "node_modules", ".bin", "cdktf");
const RESULTS = path.join(__dirname, "results.json");
// The example app rewritten for CDK Terrain, and its cdktf.json (written by `npm run synth:cdktn`).
const CDKTN_APP = path.join(ROOT, "dist", "cdktn-example");
const RUNS = 5;
const SLOW_RUNS = 3;

// The node running the benchmark runs the measured apps too (the CLI and npm use PATH's).
const NODE = process.execPath;
const fixture = (name, ...args) => [NODE, path.join(FIXTURES, name), ...args];
const cdktfSynth = (...args) => ({ argv: [CDKTF, "synth", ...args], outdirFlag: "--output" });

const MEASUREMENTS = [
  { id: "a", label: "floor: node -e \"require('cdktf')\"", argv: [NODE, "-e", "require('cdktf')"] },
  { id: "b", label: "example app synth (node dist/main.js)", argv: [NODE, path.join(ROOT, "dist", "main.js")] },
  { id: "c", label: "example app synth, provider barrel loaded", argv: fixture("barrel-app.js") },
  { id: "d1", label: "1 LookoutVisionEncryption stack", argv: fixture("many-stacks-app.js", "1") },
  { id: "d10", label: "10 LookoutVisionEncryption stacks", argv: fixture("many-stacks-app.js", "10") },
  { id: "d100", label: "100 LookoutVisionEncryption stacks", argv: fixture("many-stacks-app.js", "100"), runs: SLOW_RUNS },
  {
    id: "d100p",
    label: "100 stacks, each with the EncryptionPosture check",
    argv: fixture("many-stacks-app.js", "100", "--posture"),
    runs: SLOW_RUNS,
  },
  { id: "e-example", label: "cdktf synth, example app", ...cdktfSynth() },
  { id: "e-empty", label: "cdktf synth, empty app", ...cdktfSynth("--app", `node ${path.join(FIXTURES, "empty-app.js")}`) },
  // The same app on CDK Terrain (cdktn): the app alone on this Node, with and without creation
  // stacks, and `cdktn synth` end to end (cdktn-cli on Node 22, tools/node22.ts).
  {
    id: "b-cdktn",
    label: "example app synth on cdktn (node dist/cdktn-example/dist/main.js)",
    argv: [NODE, path.join(CDKTN_APP, "dist", "main.js")],
    cdktn: true,
  },
  {
    id: "b-cdktn-ncs",
    label: "the same, CDKTN_DISABLE_CREATION_STACK=1",
    argv: [NODE, path.join(CDKTN_APP, "dist", "main.js")],
    env: { CDKTN_DISABLE_CREATION_STACK: "1" },
    cdktn: true,
  },
  { id: "e-cdktn", label: "cdktn synth (Node 22), example app", cdktnCli: true, outdirFlag: "--output", cwd: CDKTN_APP, cdktn: true },
  // Jest gets its own cache directory, so the shared one is neither used nor cleared. Cold: a
  // fresh one each run (the OS file cache stays warm). Warm: one, primed by an untimed run.
  { id: "f-cold", label: "npm test, cold jest cache", jest: "cold", runs: SLOW_RUNS },
  { id: "f-warm", label: "npm test, warm jest cache", jest: "warm", runs: SLOW_RUNS },
];

function npmTest(cacheDir) {
  return ["npm", "test", "--", "--cacheDirectory", cacheDir];
}

function display(argv) {
  return argv.map((a) => (a === NODE ? "node" : a.startsWith(ROOT) ? path.relative(ROOT, a) : a)).join(" ");
}

/** Runs argv once; returns wall seconds, the max peak RSS (MB) over its node processes, exit status. */
function runOnce(argv, outdirFlag, { cwd = ROOT, env: extraEnv = {} } = {}) {
  const rssDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-rss-"));
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-out-"));
  const env = {
    ...process.env,
    CHECKPOINT_DISABLE: "1",
    ...extraEnv,
    BENCH_RSS_DIR: rssDir,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require "${PROBE}"`.trim(),
  };
  // Apps take their outdir from CDKTF_OUTDIR; the CLI from --output (cdktf.out stays untouched).
  if (outdirFlag) argv = [...argv, outdirFlag, outdir];
  else env.CDKTF_OUTDIR = outdir;
  const start = process.hrtime.bigint();
  const result = spawnSync(argv[0], argv.slice(1), { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const rssKb = fs.readdirSync(rssDir).map((f) => Number(fs.readFileSync(path.join(rssDir, f), "utf8")));
  fs.rmSync(rssDir, { recursive: true, force: true });
  fs.rmSync(outdir, { recursive: true, force: true });
  if (result.status !== 0) process.stderr.write(`  exit ${result.status}: ${argv.join(" ")}\n${tail(result.stdout + result.stderr)}\n`);
  return { seconds, peakRssMb: Math.max(0, ...rssKb) / 1024, processes: rssKb.length, status: result.status };
}

function tail(text, lines = 15) {
  return text.trim().split("\n").slice(-lines).join("\n");
}

function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function stats(values) {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

function measure(m) {
  // Other work on the machine only ever adds time: record how busy it was.
  const load1m = os.loadavg()[0];
  const jestCache = m.jest && fs.mkdtempSync(path.join(os.tmpdir(), "bench-jest-"));
  const argv = m.jest ? npmTest(jestCache) : m.argv;
  if (m.jest === "warm") runOnce(argv);
  const runs = [];
  for (let i = 0; i < (m.runs ?? RUNS); i++) {
    if (m.jest === "cold") fs.rmSync(jestCache, { recursive: true, force: true });
    runs.push(runOnce(argv, m.outdirFlag, m));
    process.stderr.write(`  ${m.id} run ${i + 1}: ${runs.at(-1).seconds.toFixed(3)} s, ${runs.at(-1).peakRssMb.toFixed(0)} MB\n`);
  }
  if (jestCache) fs.rmSync(jestCache, { recursive: true, force: true });
  return {
    id: m.id,
    label: m.label,
    command: m.jest ? npmTest("<tmp>").join(" ") : display(m.argv),
    load1m,
    runs,
    seconds: stats(runs.map((r) => r.seconds)),
    peakRssMb: stats(runs.map((r) => r.peakRssMb)),
    failedRuns: runs.filter((r) => r.status !== 0).length,
  };
}

/** Ratios and budgets from issue 8, over medians; undefined where a measurement was skipped. */
function evaluate(byId) {
  const t = (id) => byId[id]?.seconds.median;
  const ratio = (x, y) => (t(x) !== undefined && t(y) !== undefined ? t(x) / t(y) : undefined);
  // Marginal cost of one more stack: linear or better when it does not grow from 1-10 to 10-100.
  // Minimums: d10 - d1 is small, and other load on the machine only ever adds time.
  const fastest = (id) => byId[id]?.seconds.min;
  const perStackLow = (fastest("d10") - fastest("d1")) / 9;
  const perStackHigh = (fastest("d100") - fastest("d10")) / 90;
  const ratios = {
    "(b)/(a) example synth / floor": ratio("b", "a"),
    "(b)/(c) example synth / with barrel": ratio("b", "c"),
    "(d100)/(d1) 100 stacks / 1 stack": ratio("d100", "d1"),
    "(d100p)/(d100) posture check overhead": ratio("d100p", "d100"),
    "(e) cdktf synth example / empty": ratio("e-example", "e-empty"),
    "(b-cdktn)/(b) example app, cdktn / cdktf": ratio("b-cdktn", "b"),
    "(b-cdktn-ncs)/(b) cdktn without creation stacks / cdktf": ratio("b-cdktn-ncs", "b"),
    "(e-cdktn)/(e) cdktn synth (Node 22) / cdktf synth (Node 20)": ratio("e-cdktn", "e-example"),
  };
  const budgets = [
    budget(
      "example synth <= 1.5x floor",
      ratio("b", "a"),
      (v) => v <= 1.5,
      (v) => `${v.toFixed(2)}x`,
    ),
    budget(
      "example synth peak RSS <= 120 MB",
      byId.b?.peakRssMb.max,
      (v) => v <= 120,
      (v) => `${v.toFixed(0)} MB`,
    ),
    budget(
      "100 stacks < 2 s",
      t("d100"),
      (v) => v < 2,
      (v) => `${v.toFixed(2)} s`,
    ),
    // 1.2: headroom for noise in the small 1-10 difference.
    budget(
      "100 stacks: linear or better (per-stack ms from min times, 10-100 <= 1.2x 1-10)",
      perStackHigh / perStackLow,
      (v) => v <= 1.2,
      () => `${(perStackLow * 1000).toFixed(1)} -> ${(perStackHigh * 1000).toFixed(1)} ms/stack`,
    ),
    budget(
      "cdktf synth example <= 1.2x empty app",
      ratio("e-example", "e-empty"),
      (v) => v <= 1.2,
      (v) => `${v.toFixed(2)}x`,
    ),
    budget(
      "npm test cold <= 15 s",
      t("f-cold"),
      (v) => v <= 15,
      (v) => `${v.toFixed(1)} s`,
    ),
  ];
  return { ratios, budgets };
}

function budget(name, value, ok, show) {
  if (value === undefined || Number.isNaN(value)) return { name, measured: "not run", met: null };
  return { name, value, measured: show(value), met: ok(value) };
}

function machine() {
  const cpu = (fs.readFileSync("/proc/cpuinfo", "utf8").match(/^model name\s*:\s*(.*)$/m) ?? [])[1] ?? os.cpus()[0]?.model;
  const version = (pkg) => JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", pkg, "package.json"), "utf8")).version;
  return {
    cpus: os.availableParallelism(),
    cpuModel: cpu,
    memoryGb: +(os.totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    versions: Object.fromEntries(
      ["cdktf", "cdktf-cli", "@cdktf/provider-aws", "cdktn", "@cdktn/provider-aws", "jest", "@swc/jest", "@swc/core", "typescript"].map((p) => [
        p,
        version(p),
      ]),
    ),
  };
}

function printTable(results, { ratios, budgets }) {
  const f = (v, d) => v.toFixed(d);
  const rows = results.map(
    (r) =>
      `| ${r.id} | ${r.label} | ${r.runs.length} | ${f(r.seconds.median, 3)} | ${f(r.seconds.min, 3)} | ${f(r.seconds.max, 3)} | ${f(
        r.peakRssMb.median,
        0,
      )} | ${f(r.peakRssMb.max, 0)} | ${f(r.load1m, 2)} |${r.failedRuns ? ` ${r.failedRuns} failed` : ""}`,
  );
  const header = "| id | measurement | runs | wall median s | min s | max s | peak RSS median MB | max MB | load 1 min |";
  console.log([header, "|---|---|---|---|---|---|---|---|---|", ...rows].join("\n"));
  console.log("");
  for (const [name, v] of Object.entries(ratios)) if (v !== undefined) console.log(`${name}: ${v.toFixed(2)}`);
  console.log("");
  for (const b of budgets) console.log(`${b.met === null ? "-   " : b.met ? "MET " : "MISS"} ${b.name}: ${b.measured}`);
}

function build() {
  // Benchmarks run the compiled app: build it, as `npm run synth` does.
  const result = spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });
  if (result.status !== 0) throw new Error(`bench: npm run build failed (exit ${result.status})`);
}

/** dist/cdktn-example and Node 22 with cdktn-cli, as `npm run synth:cdktn` leaves them; the cdktn CLI's command line. */
function prepareCdktn(measurements) {
  const result = spawnSync(NODE, [path.join(ROOT, "dist", "tools", "cdktn-synth.js")], { cwd: ROOT, stdio: ["ignore", 2, 2] });
  if (result.status !== 0) throw new Error(`bench: cdktn synth failed (exit ${result.status})`);
  const tools = require(path.join(ROOT, "dist", "tools", "node22.js")).node22Tools();
  for (const m of measurements.filter((x) => x.cdktnCli)) Object.assign(m, { argv: [tools.cdktn, "synth"], env: { PATH: tools.path } });
}

function main(only) {
  const selected = MEASUREMENTS.filter((m) => only.length === 0 || only.includes(m.id));
  if (selected.length === 0) throw new Error(`bench: no measurement with id ${only.join(", ")}; ids: ${MEASUREMENTS.map((m) => m.id).join(" ")}`);
  build();
  if (selected.some((m) => m.cdktn)) prepareCdktn(selected);
  const loadBefore = os.loadavg();
  const results = selected.map((m) => {
    process.stderr.write(`${m.id}: ${m.label}\n`);
    return measure(m);
  });
  const byId = Object.fromEntries(results.map((r) => [r.id, r]));
  const evaluation = evaluate(byId);
  const report = {
    date: new Date().toISOString(),
    machine: machine(),
    loadAverage: { before: loadBefore, after: os.loadavg() },
    results,
    ...evaluation,
  };
  fs.writeFileSync(RESULTS, JSON.stringify(report, null, 2) + "\n");
  printTable(results, evaluation);
  console.log(
    `\nload average (1/5/15 min) before ${loadBefore.map((l) => l.toFixed(2)).join("/")}, after ${report.loadAverage.after
      .map((l) => l.toFixed(2))
      .join("/")}`,
  );
  console.log(`wrote ${path.relative(process.cwd(), RESULTS)}`);
  // A missed budget is a finding to report; a command that failed makes its timing meaningless.
  if (results.some((r) => r.failedRuns > 0)) process.exitCode = 1;
}

main(process.argv.slice(2));
