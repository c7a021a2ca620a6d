// Minimal page: tree-shaken ECharts (core, line chart, grid, data zoom, canvas renderer) drawing one line chart.
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([LineChart, GridComponent, DataZoomComponent, CanvasRenderer]);
echarts.init(document.getElementById('chart')).setOption({
  xAxis: { type: 'value' },
  yAxis: { type: 'value' },
  dataZoom: [{ type: 'inside' }],
  series: [{ type: 'line', data: [[0, 2.3], [1, 1.1], [2, 0.6], [3, 0.4]] }],
});
