// ECharts configured as a careful user would for large live line series: tree-shaken core, canvas renderer, no
// animation, no symbols, LTTB sampling, an inside dataZoom (wheel/drag zoom), data given as columns through a
// dataset (no per-point objects). `?ecdata=pairs` feeds series.data with [x, y] pairs instead (built inside the
// timed call, since the dashboard holds columns): slower, see docs/benchmarks.md. Line series have no `large` mode in ECharts (only scatter, bar, lines,
// candlestick do) and are not progressive; `appendData` does not update axis extents and is meant for those
// progressive series, so live updates go through setOption with the grown columns, as ECharts' own dynamic-data
// examples do.
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { DataZoomComponent, DatasetComponent, GridComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([LineChart, GridComponent, DataZoomComponent, DatasetComponent, CanvasRenderer]);

const grid = { lineStyle: { color: 'rgba(255,255,255,0.08)' } };
const pairsMode = new URLSearchParams(location.search).get('ecdata') === 'pairs';
const source = (cols) => ({ source: { x: cols.x, train: cols.train, val: cols.val } });
const toPairs = (x, y) => x.map((v, i) => [v, y[i]]);
const line = (name, color, width) => ({
  type: 'line',
  name,
  ...(pairsMode ? {} : { encode: { x: 'x', y: name } }),
  symbol: 'none',
  showSymbol: false,
  sampling: 'lttb',
  lineStyle: { color, width },
  emphasis: { disabled: true },
});

export const echartsAdapter = {
  name: 'echarts',
  version: echarts.version,
  create(el, cols, width, height) {
    const chart = echarts.init(el, null, { renderer: 'canvas', width, height });
    const h = { chart, finishedCount: 0, marked: 0 };
    chart.on('finished', () => h.finishedCount++);
    const series = [line('train', '#4e79a7', 1), line('val', '#f28e2b', 2)];
    if (pairsMode) {
      h.pairs = [toPairs(cols.x, cols.train), toPairs(cols.x, cols.val)];
      series.forEach((s, i) => (s.data = h.pairs[i]));
    }
    chart.setOption({
      animation: false,
      grid: { left: 56, right: 12, top: 10, bottom: 28 },
      ...(pairsMode ? {} : { dataset: source(cols) }),
      xAxis: { type: 'value', min: 'dataMin', max: 'dataMax', splitLine: grid, axisLabel: { color: '#aaa' } },
      yAxis: { type: 'value', scale: true, splitLine: grid, axisLabel: { color: '#aaa' } },
      dataZoom: [{ type: 'inside', xAxisIndex: 0, filterMode: 'filter' }],
      series,
    });
    return h;
  },
  update(h, cols) {
    if (pairsMode) {
      const i = cols.x.length - 1;
      h.pairs[0].push([cols.x[i], cols.train[i]]);
      h.pairs[1].push([cols.x[i], cols.val[i]]);
      h.chart.setOption({ series: [{ data: h.pairs[0] }, { data: h.pairs[1] }] });
    } else {
      h.chart.setOption({ dataset: source(cols) });
    }
  },
  zoom(h, min, max) {
    h.chart.dispatchAction({ type: 'dataZoom', dataZoomIndex: 0, startValue: min, endValue: max });
  },
  state(h) {
    const model = h.chart.getModel();
    const extent = model.getComponent('xAxis', 0).axis.scale.getExtent();
    return { points: model.getSeriesByIndex(0).getRawData().count(), xMin: extent[0], xMax: extent[1] };
  },
  // `finished` fires once rendering, progressive steps and pending actions are all done.
  mark(h) {
    h.marked = h.finishedCount;
  },
  finished(h) {
    if (h.finishedCount > h.marked) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('echarts: no finished event within 30 s')), 30000);
      h.chart.on('finished', function once() {
        h.chart.off('finished', once);
        clearTimeout(timer);
        resolve();
      });
    });
  },
  canvas(h) {
    return h.chart.getDom().querySelector('canvas');
  },
  destroy(h) {
    h.chart.dispose();
  },
};
