// Tree-shaken ECharts with what the dashboard's charts use besides lines and zoom: the dataset (columns, as the
// benchmark page feeds it), a tooltip and a legend (the dashboard's live legend), the toolbox (PNG export).
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { DataZoomComponent, DatasetComponent, GridComponent, LegendComponent, ToolboxComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([LineChart, GridComponent, DataZoomComponent, DatasetComponent, TooltipComponent, LegendComponent, ToolboxComponent, CanvasRenderer]);
echarts.init(document.getElementById('chart')).setOption({
  dataset: { source: { x: [0, 1, 2, 3], loss: [2.3, 1.1, 0.6, 0.4] } },
  tooltip: { trigger: 'axis' },
  legend: {},
  toolbox: { feature: { saveAsImage: {} } },
  xAxis: { type: 'value' },
  yAxis: { type: 'value' },
  dataZoom: [{ type: 'inside' }],
  series: [{ type: 'line', encode: { x: 'x', y: 'loss' } }],
});
