#!/usr/bin/env node
// What a command's processes cost, for docs/performance.md: each `tofu` by its subcommand, each
// start of the AWS provider (the 905 MB binary), and the CPU time of every kind of process.
//   node bench/process-census.js -- npm test      runs the command, then prints the census
// It samples /proc every 100 ms: a provider lives for seconds, so none is missed; a process's
// CPU is its last sample (up to 100 ms of a process's end may be missed), its peak RSS the kernel's
// high-water mark (VmHWM). The total is the
// whole machine's (/proc/stat), so measure on an otherwise idle machine. Linux only.
"use strict";
const { spawn } = require("node:child_process");
const fs = require("node:fs");

const separator = process.argv.indexOf("--");
if (separator < 0 || separator === process.argv.length - 1) {
  console.error("usage: node bench/process-census.js -- <command> [args...]");
  process.exit(2);
}
const [command, ...args] = process.argv.slice(separator + 1);
const TICKS = 100; // USER_HZ: /proc reports CPU time in 1/100 s on Linux.

/** Each process seen: its kind and its latest CPU seconds, by pid and start time (pids are reused). */
const seen = new Map();

function kindOf(argv) {
  const program = (argv[0] || "").split("/").pop();
  if (program === "tofu" || program === "terraform") return `tofu ${argv.slice(1).find((word) => !word.startsWith("-")) || "(none)"}`;
  if (program.startsWith("terraform-provider-aws")) return argv.includes("-debug") ? "provider (shared, -debug)" : "provider (started by tofu)";
  if (/python/.test(program) && argv.some((word) => word.endsWith("launcher.py"))) return "emulator (moto)";
  if (/python|checkov/.test(program)) return "python (checkov, jsii, tools)";
  if (program === "node" && argv.some((word) => word.includes("jest-worker") || word.includes("processChild"))) return "jest workers";
  if (program === "node" || program === "npm") return "node (jest, cdktf CLI, npm, tsc)";
  return "other";
}

function sample() {
  for (const pid of fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const [utime, stime, startTime] = [Number(fields[11]), Number(fields[12]), fields[19]];
      const key = `${pid}@${startTime}`;
      if (!seen.has(key)) {
        const argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
        if (argv.length === 0) continue; // a kernel thread, or a process ending
        seen.set(key, { kind: kindOf(argv), cpu: 0, before: startedBeforeUs(startTime) });
      }
      const entry = seen.get(key);
      entry.cpu = (utime + stime) / TICKS;
      const peak = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
      if (peak) entry.peakKb = Math.max(entry.peakKb || 0, Number(peak[1]));
    } catch {
      // The process ended between listing and reading.
    }
  }
}

let ourStart;
function startedBeforeUs(startTime) {
  return ourStart !== undefined && Number(startTime) < ourStart;
}

/** CPU seconds the whole machine has spent busy. */
function busyCpuSeconds() {
  const [, ...fields] = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
  return (user + nice + system + irq + softirq + steal) / TICKS;
}

const selfStat = fs.readFileSync("/proc/self/stat", "utf8");
ourStart = Number(selfStat.slice(selfStat.lastIndexOf(")") + 2).split(" ")[19]);
const started = Date.now();
const cpuAtStart = busyCpuSeconds();
const timer = setInterval(sample, 100);
const child = spawn(command, args, { stdio: "inherit" });
child.on("close", (status) => {
  clearInterval(timer);
  sample();
  const byKind = new Map();
  for (const { kind, cpu, before, peakKb = 0 } of seen.values()) {
    if (before) continue; // running before the command: not its cost
    const entry = byKind.get(kind) || { count: 0, cpu: 0, peakKb: 0 };
    byKind.set(kind, { count: entry.count + 1, cpu: entry.cpu + cpu, peakKb: Math.max(entry.peakKb, peakKb) });
  }
  const rows = [...byKind.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const total = busyCpuSeconds() - cpuAtStart;
  console.error(`\ncensus: ${((Date.now() - started) / 1000).toFixed(1)} s wall, ${total.toFixed(0)} CPU s (the whole machine), exit ${status}`);
  console.error("census: | processes | count | CPU s | largest peak RSS MB |");
  for (const [kind, { count, cpu, peakKb }] of rows)
    console.error(`census: | ${kind} | ${count} | ${cpu.toFixed(0)} | ${(peakKb / 1024).toFixed(0)} |`);
  process.exit(status === null ? 1 : status);
});
