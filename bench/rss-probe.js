// Preloaded into every node process of a benchmark run (NODE_OPTIONS=--require): Node has no
// API for the peak RSS of a process's children, so each process reports its own at exit and
// the runner takes the max. maxRSS is in KiB.
const fs = require("fs");
const path = require("path");

const dir = process.env.BENCH_RSS_DIR;
if (dir) {
  process.on("exit", () => {
    fs.writeFileSync(path.join(dir, String(process.pid)), String(process.resourceUsage().maxRSS));
  });
}
