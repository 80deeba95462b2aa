#!/usr/bin/env node
// Counts the engine processes a command starts: each `tofu` by its subcommand, and each start
// of the AWS provider (the 905 MB binary whose start costs ~3.5 CPU s), for docs/performance.md.
//   node bench/process-census.js -- npm test      runs the command, then prints the counts
// It samples the process table every 100 ms; a provider lives for seconds, so none is missed,
// but a tofu command shorter than the interval (`version`) may be. CPU is the whole machine's
// (/proc/stat), so measure on an otherwise idle machine.
"use strict";
const { spawn, execFileSync } = require("node:child_process");

const separator = process.argv.indexOf("--");
if (separator < 0 || separator === process.argv.length - 1) {
  console.error("usage: node bench/process-census.js -- <command> [args...]");
  process.exit(2);
}
const [command, ...args] = process.argv.slice(separator + 1);

const seen = new Map(); // pid + start time -> what it was
const tofuKinds = {};
let providers = 0;
let providersShared = 0;

function sample() {
  const table = execFileSync("ps", ["-eo", "pid=,lstart=,args="], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  for (const line of table.split("\n")) {
    const match = /^\s*(\d+)\s+(\w+ \w+\s+\d+ [\d:]+ \d+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const [, pid, started, argv] = match;
    const key = `${pid}@${started}`;
    if (seen.has(key)) continue;
    const words = argv.split(/\s+/);
    const program = words[0].split("/").pop();
    if (program === "tofu" || program === "terraform") {
      const kind = words.slice(1).find((word) => !word.startsWith("-")) || "(none)";
      tofuKinds[kind] = (tofuKinds[kind] || 0) + 1;
      seen.set(key, "tofu");
    } else if (program.startsWith("terraform-provider-aws")) {
      if (words.includes("-debug")) providersShared += 1;
      else providers += 1;
      seen.set(key, "provider");
    } else {
      seen.set(key, "other");
    }
  }
}

/** CPU seconds the whole machine has spent busy: counts detached processes too (the shared providers), which rusage of children misses. */
function busyCpuSeconds() {
  const [, ...fields] = require("node:fs").readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
  return (user + nice + system + irq + softirq + steal) / 100;
}

const started = Date.now();
const cpuAtStart = busyCpuSeconds();
const timer = setInterval(sample, 100);
const child = spawn(command, args, { stdio: "inherit" });
child.on("close", (status) => {
  clearInterval(timer);
  sample();
  const total = Object.values(tofuKinds).reduce((sum, n) => sum + n, 0);
  const kinds = Object.entries(tofuKinds)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([kind, n]) => `${kind} ${n}`)
    .join(", ");
  const cpu = busyCpuSeconds() - cpuAtStart;
  console.error(`\ncensus: ${((Date.now() - started) / 1000).toFixed(1)} s wall, ${cpu.toFixed(0)} CPU s (the whole machine), exit ${status}`);
  console.error(`census: tofu commands ${total} (${kinds})`);
  console.error(`census: provider starts ${providers} (per command), ${providersShared} shared (-debug, reattached)`);
  process.exit(status === null ? 1 : status);
});
