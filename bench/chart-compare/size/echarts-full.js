// The whole ECharts package (no tree shaking), for reference.
import * as echarts from 'echarts';

echarts.init(document.getElementById('chart')).setOption({
  xAxis: { type: 'value' },
  yAxis: { type: 'value' },
  series: [{ type: 'line', data: [[0, 2.3], [1, 1.1], [2, 0.6], [3, 0.4]] }],
});
