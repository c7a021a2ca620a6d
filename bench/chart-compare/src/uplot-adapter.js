// uPlot configured as the dashboard's SeriesChart does (canvas, drag-to-zoom cursor, no point markers), with the
// legend off so that both libraries draw the same thing: two lines, two axes, a grid.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const grid = { stroke: 'rgba(255,255,255,0.08)' };

export const uplotAdapter = {
  name: 'uplot',
  version: '1.6.32',
  create(el, cols, width, height) {
    const opts = {
      width,
      height,
      legend: { show: false },
      cursor: { drag: { x: true, y: false, setScale: true }, points: { show: false } },
      scales: { x: { time: false }, y: { auto: true } },
      series: [
        { label: 'step' },
        { label: 'train', stroke: '#4e79a7', width: 1, points: { show: false } },
        { label: 'val', stroke: '#f28e2b', width: 2, points: { show: false } },
      ],
      axes: [
        { stroke: '#aaa', grid, ticks: grid },
        { stroke: '#aaa', grid, ticks: grid, size: 56 },
      ],
    };
    return new uPlot(opts, [cols.x, cols.train, cols.val], el);
  },
  // The arrays were appended to in place; setData re-reads them, recomputes the y range and redraws.
  update(u, cols) {
    u.setData([cols.x, cols.train, cols.val]);
  },
  zoom(u, min, max) {
    u.setScale('x', { min, max });
  },
  state(u) {
    return { points: u.data[0].length, xMin: u.scales.x.min, xMax: u.scales.x.max };
  },
  // uPlot draws synchronously (its commit runs in a microtask); nothing to wait for.
  mark() {},
  finished() {
    return Promise.resolve();
  },
  canvas(u) {
    return u.ctx.canvas;
  },
  destroy(u) {
    u.destroy();
  },
};
