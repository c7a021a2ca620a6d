#!/usr/bin/env node
// uPlot vs ECharts in headless chromium (docs/benchmarks.md): builds the benchmark page and the minimal size pages
// with Vite, serves dist/bench/ on a loopback port, opens one page per (library, task, size, run) in one browser, one
// page at a time, and prints a Markdown table of medians. All figures go to out/results.json.
//
// Usage: node run.mjs [--runs N] [--updates N] [--screenshots] [--no-build]
//   --runs N        repetitions of every measurement (default 5); each runs in a fresh page, the libraries in
//                   alternating order so that drifting load on a shared machine does not favour one
//   --updates N     live updates timed per run (default 100, after 10 untimed)
//   --screenshots   also save both charts of a 10,000-point series to out/ to compare them by eye
//   --no-build      reuse dist/
// Environment: CHROMIUM (default /usr/bin/chromium).
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const runs = option('--runs', 5);
const updates = option('--updates', 100);
const sizes = [1000, 10000, 100000, 1000000];
const liveSizes = [10000, 100000];
const libs = ['uplot', 'echarts'];
const sizePages = [
  ['uplot', 'uPlot'],
  ['echarts', 'ECharts: core + LineChart + Grid + DataZoom + CanvasRenderer'],
  ['echarts-dashboard', 'ECharts: the above + Dataset + Tooltip + Legend + Toolbox'],
  ['echarts-full', "ECharts: import * from 'echarts' (everything)"],
];
const log = (...a) => console.error(...a);

// ---- build and bundle sizes ----
if (!args.includes('--no-build')) {
  log('building with vite…');
  const vite = (...extra) => execFileSync('npx', ['--no-install', 'vite', 'build', ...extra], { cwd: here, stdio: ['ignore', 'ignore', 'inherit'] });
  vite();
  for (const [name] of sizePages) vite('--mode', `size-${name}`);
}

function bundleSize(name) {
  const dir = join(here, 'dist/size', name, 'assets');
  const total = { js: 0, jsGzip: 0, css: 0, cssGzip: 0 };
  for (const file of readdirSync(dir)) {
    const bytes = readFileSync(join(dir, file));
    const kind = extname(file) === '.css' ? 'css' : extname(file) === '.js' ? 'js' : null;
    if (!kind) continue;
    total[kind] += bytes.length;
    total[`${kind}Gzip`] += gzipSync(bytes, { level: 9 }).length;
  }
  return total;
}
const bundles = Object.fromEntries(sizePages.map(([name]) => [name, bundleSize(name)]));

// ---- a static server for dist/bench ----
const root = join(here, 'dist/bench');
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  const file = join(root, path === '/' ? 'index.html' : path);
  if (!file.startsWith(root) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
  createReadStream(file).pipe(res);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}/`;

// ---- the browser ----
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--enable-precise-memory-info', '--js-flags=--expose-gc'],
});
const context = await browser.newContext({ viewport: { width: 800, height: 600 }, deviceScaleFactor: 1 });
const browserVersion = browser.version();

async function runPage(query, { timeout = 300000, screenshot } = {}) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await page.goto(`${base}?${query}`);
    await page.waitForFunction(() => window.__result || window.__error, null, { timeout, polling: 250 });
    const { result, error } = await page.evaluate(() => ({ result: window.__result, error: window.__error }));
    if (error || errors.length) throw new Error(`${query}: ${error ?? errors.join('\n')}`);
    if (screenshot) await page.locator('#chart').screenshot({ path: screenshot });
    return result;
  } finally {
    await page.close();
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const p95 = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)];
};

const raw = { draw: {}, live: {}, heap: {} };
for (const lib of libs) {
  raw.draw[lib] = [];
  raw.heap[lib] = [];
  raw.live[lib] = Object.fromEntries(liveSizes.map((n) => [n, []]));
}
let version = {};
const started = Date.now();
for (let run = 0; run < runs; run++) {
  const order = run % 2 === 0 ? libs : [...libs].reverse();
  for (const lib of order) {
    log(`run ${run + 1}/${runs}: ${lib}`);
    const draws = [];
    for (const n of sizes) {
      const draw = await runPage(`lib=${lib}&task=draw&n=${n}`);
      version[lib] = draw.version;
      draws.push(draw.figures);
    }
    raw.draw[lib].push(draws);
    for (const n of liveSizes) {
      const live = await runPage(`lib=${lib}&task=live&n=${n}&updates=${updates}`);
      raw.live[lib][n].push({ ...live.figures, busyMedian: median(live.figures.busy), busyP95: p95(live.figures.busy), latencyMedian: median(live.figures.latency) });
    }
    raw.heap[lib].push((await runPage(`lib=${lib}&task=heap&n=1000000`)).figures);
  }
}
const outDir = join(here, 'out');
mkdirSync(outDir, { recursive: true });
if (args.includes('--screenshots')) {
  for (const lib of libs) await runPage(`lib=${lib}&task=draw&n=10000&keep=1`, { screenshot: join(outDir, `${lib}-10000.png`) });
}
await browser.close();
server.close();

// ---- medians over runs ----
const summary = {};
for (const lib of libs) {
  const s = (summary[lib] = { draw: {}, warm: {}, zoom: {}, live: {} });
  sizes.forEach((n, i) => {
    s.draw[n] = median(raw.draw[lib].map((r) => r[i].cold));
    s.warm[n] = median(raw.draw[lib].map((r) => r[i].warm));
    s.zoom[n] = median(raw.draw[lib].map((r) => r[i].zoom));
  });
  for (const n of liveSizes) {
    const rs = raw.live[lib][n];
    s.live[n] = { median: median(rs.map((r) => r.busyMedian)), p95: median(rs.map((r) => r.busyP95)), latency: median(rs.map((r) => r.latencyMedian)), late: rs.reduce((a, r) => a + r.late, 0) };
  }
  s.heap = { withChart: median(raw.heap[lib].map((r) => r.withChart)), chartOwn: median(raw.heap[lib].map((r) => r.withChart - r.withData)), data: median(raw.heap[lib].map((r) => r.withData - r.empty)) };
}
const results = {
  date: new Date().toISOString(),
  browser: `chromium ${browserVersion} headless`,
  cpus: (await import('node:os')).cpus().length,
  loadAverage: (await import('node:os')).loadavg(),
  versions: version,
  canvas: '600x300, DPR 1',
  runs,
  updates,
  minutes: (Date.now() - started) / 60000,
  summary,
  bundles,
  raw,
};
writeFileSync(join(outDir, 'results.json'), JSON.stringify(results, null, 1));

// ---- the table ----
const ms = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const ratio = (e, u) => `${(e / u).toFixed(1)}×`;
const count = (n) => n.toLocaleString('en-US');
const rows = [];
const row = (label, u, e, r) => rows.push(`| ${label} | ${u} | ${e} | ${r} |`);
const U = summary.uplot;
const E = summary.echarts;
for (const n of sizes) row(`first draw (first chart of the page), ${count(n)} points per series (ms)`, ms(U.draw[n]), ms(E.draw[n]), ratio(E.draw[n], U.draw[n]));
for (const n of sizes) row(`draw of a second chart, ${count(n)} points (ms)`, ms(U.warm[n]), ms(E.warm[n]), ratio(E.warm[n], U.warm[n]));
for (const n of liveSizes) {
  row(`live append at 10/s onto ${count(n)} points: main-thread ms per update, median / p95`, `${ms(U.live[n].median)} / ${ms(U.live[n].p95)}`, `${ms(E.live[n].median)} / ${ms(E.live[n].p95)}`, ratio(E.live[n].median, U.live[n].median));
}
for (const n of sizes) row(`zoom to the middle 10 % of x, ${count(n)} points (ms)`, ms(U.zoom[n]), ms(E.zoom[n]), ratio(E.zoom[n], U.zoom[n]));
const mb = (b) => (b / 1e6).toFixed(1);
row('JS heap after drawing 1,000,000 points (MB): page total / the chart\'s own', `${mb(U.heap.withChart)} / ${mb(U.heap.chartOwn)}`, `${mb(E.heap.withChart)} / ${mb(E.heap.chartOwn)}`, `+${mb(E.heap.withChart - U.heap.withChart)} MB`);
const kb = (b) => (b / 1000).toFixed(1);
const bu = bundles.uplot;
const be = bundles.echarts;
row('minimal page JS, minified / gzip (kB)', `${kb(bu.js)} / ${kb(bu.jsGzip)} (+ ${kb(bu.css)} / ${kb(bu.cssGzip)} CSS)`, `${kb(be.js)} / ${kb(be.jsGzip)}`, ratio(be.jsGzip, bu.jsGzip));
console.log(`\n${results.browser}, ${results.canvas}, two series, ${runs} runs, medians; ${results.cpus} CPUs, load ${results.loadAverage.map((l) => l.toFixed(1)).join(' ')}\n`);
console.log(`| measurement | uPlot ${version.uplot} | ECharts ${version.echarts} | ECharts / uPlot |`);
console.log('|---|---|---|---|');
console.log(rows.join('\n'));
console.log('\nBundle sizes of the minimal pages (minified / gzip -9, kB):');
for (const [name, label] of sizePages) {
  const b = bundles[name];
  console.log(`- ${label}: JS ${kb(b.js)} / ${kb(b.jsGzip)}${b.css ? `, CSS ${kb(b.css)} / ${kb(b.cssGzip)}` : ''}`);
}
const late = libs.map((l) => liveSizes.map((n) => summary[l].live[n].late).reduce((a, b) => a + b, 0));
console.log(`\nLive updates that started late (the previous one ran past its 100 ms slot): uPlot ${late[0]}, ECharts ${late[1]}.`);
console.log(`Median update-to-frame latency (idle wait for the frame included), 10,000 / 100,000 points: uPlot ${liveSizes.map((n) => ms(U.live[n].latency)).join(' / ')} ms, ECharts ${liveSizes.map((n) => ms(E.live[n].latency)).join(' / ')} ms.`);
console.log(`Chart data in the heap (3 × 1,000,000 numbers as JS arrays): ${mb(U.heap.data)} MB. All figures: ${join(outDir, 'results.json')} (${results.minutes.toFixed(1)} min).`);
