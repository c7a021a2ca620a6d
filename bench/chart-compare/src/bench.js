// The benchmark page: ?lib=uplot|echarts&task=draw|live|heap&n=POINTS[&updates=…][&keep]. It runs one task with
// one library and leaves its figures in window.__result (or the failure in window.__error) for run.mjs.
import { lossCurve, takeColumns } from './data.js';
import { uplotAdapter } from './uplot-adapter.js';
import { echartsAdapter } from './echarts-adapter.js';

const WIDTH = 600;
const HEIGHT = 300;
const adapters = { uplot: uplotAdapter, echarts: echartsAdapter };

const params = new URLSearchParams(location.search);
const lib = adapters[params.get('lib')];
const task = params.get('task');

const host = document.getElementById('chart');
host.style.width = `${WIDTH}px`;
host.style.height = `${HEIGHT}px`;

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));
const macrotask = () => new Promise((resolve) => setTimeout(resolve, 0));
const microtasks = async () => {
  for (let i = 0; i < 4; i++) await Promise.resolve();
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const collect = () => (typeof window.gc === 'function' ? window.gc() : undefined);
const heap = () => performance.memory?.usedJSHeapSize ?? NaN;

function check(condition, message) {
  if (!condition) throw new Error(`${lib.name}: ${message}`);
}

/**
 * Runs `call` (which hands data to the library) and waits until its result is on screen: the call and the
 * microtasks it queued, then the next animation frame, then a macrotask after that frame's rendering
 * (requestAnimationFrame → setTimeout 0), and for ECharts its `finished` event as well.
 * latency: from the call to that point, idle wait for the frame included.
 * busy: main-thread time, that is latency without the idle gap between the end of the script and the start of the
 * frame it was painted in (the frame's timestamp).
 */
async function timed(call, handle) {
  if (handle) lib.mark(handle);
  const t0 = performance.now();
  const result = call();
  await microtasks();
  const tScript = performance.now();
  const frameStart = await nextFrame();
  await macrotask();
  await lib.finished(handle ?? result);
  const tEnd = performance.now();
  return {
    result,
    script: tScript - t0,
    latency: tEnd - t0,
    busy: tScript - t0 + (tEnd - Math.max(frameStart, tScript)),
  };
}

/**
 * One size per page: the page's first chart of `n` points (cold: the library's code has not run yet, as for the
 * first chart a dashboard opens), then a second chart of the same data (warm), zoomed to the middle 10 % of x.
 */
async function draw() {
  const n = Number(params.get('n') ?? 10000);
  const cols = takeColumns(lossCurve(n), n);
  const out = { n };
  for (const pass of ['cold', 'warm']) {
    collect();
    await sleep(50);
    const t = await timed(() => lib.create(host, cols, WIDTH, HEIGHT));
    const h = t.result;
    const s = lib.state(h);
    check(s.points === n, `drew ${s.points} points, expected ${n}`);
    out[pass] = t.latency;
    out[`${pass}Busy`] = t.busy;
    out[`${pass}Script`] = t.script;
    if (params.has('keep')) return out; // left on screen for a screenshot
    if (pass === 'warm') {
      await sleep(50);
      const lo = cols.x[Math.floor(n * 0.45)];
      const hi = cols.x[Math.floor(n * 0.55)];
      const zoom = await timed(() => lib.zoom(h, lo, hi), h);
      const z = lib.state(h);
      const tolerance = (hi - lo) * 0.01 + 1;
      check(Math.abs(z.xMin - lo) <= tolerance && Math.abs(z.xMax - hi) <= tolerance, `zoomed to ${z.xMin}..${z.xMax}, expected ${lo}..${hi}`);
      out.zoom = zoom.latency;
      out.zoomBusy = zoom.busy;
    }
    lib.destroy(h);
    await nextFrame();
  }
  return out;
}

async function live() {
  const n = Number(params.get('n') ?? 10000);
  const updates = Number(params.get('updates') ?? 100);
  const warmup = Number(params.get('warmup') ?? 10);
  const hz = Number(params.get('hz') ?? 10);
  const curve = lossCurve(n + updates + warmup);
  const cols = takeColumns(curve, n);
  const h = lib.create(host, cols, WIDTH, HEIGHT);
  await nextFrame();
  await lib.finished(h);
  collect();
  await sleep(200);
  const busy = [];
  const latency = [];
  let late = 0;
  const start = performance.now();
  for (let k = 0; k < warmup + updates; k++) {
    const due = start + (k * 1000) / hz;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    else if (wait < -1) late++; // the previous update (or a pause) ran past this one's slot
    const t = await timed(() => {
      takeColumns(curve, 1, cols);
      lib.update(h, cols);
    }, h);
    if (k >= warmup) {
      busy.push(t.busy);
      latency.push(t.latency);
    }
  }
  const s = lib.state(h);
  check(s.points === n + warmup + updates, `shows ${s.points} points after the updates, expected ${n + warmup + updates}`);
  lib.destroy(h);
  return { n, updates, hz, busy, latency, late };
}

async function heapAfterDraw() {
  const n = Number(params.get('n') ?? 1000000);
  collect();
  const empty = heap();
  const cols = takeColumns(lossCurve(n), n);
  collect();
  await sleep(50);
  const withData = heap();
  const h = lib.create(host, cols, WIDTH, HEIGHT);
  await nextFrame();
  await lib.finished(h);
  await sleep(100);
  collect();
  await sleep(50);
  const withChart = heap();
  check(lib.state(h).points === n, 'not all points drawn');
  window.__keep = [h, cols];
  return { n, empty, withData, withChart, precise: typeof window.gc === 'function' };
}

const tasks = { draw, live, heap: heapAfterDraw };

(async () => {
  try {
    check(lib && tasks[task], `unknown lib/task in ${location.search}`);
    const figures = await tasks[task]();
    window.__result = { lib: lib.name, version: lib.version, task, dpr: devicePixelRatio, width: WIDTH, height: HEIGHT, figures };
  } catch (e) {
    window.__error = String(e?.stack ?? e);
  }
})();
