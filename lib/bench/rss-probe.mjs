// Loaded into every Node process of a product-path measurement (NODE_OPTIONS="--import …"), so
// that each process, however deep in the tree, reports its own peak RSS when it exits. Plain
// JavaScript: it must load before tsx does, in processes that may not load tsx at all.
import fs from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    const line = {
      pid: process.pid,
      argv: process.argv.slice(1).map((a) => a.split('/').slice(-2).join('/')).join(' '),
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
    try {
      fs.appendFileSync(file, JSON.stringify(line) + '\n');
    } catch {
      // A measurement must never change how the measured process ends.
    }
  });
}
