// Minimal page: uPlot (with its stylesheet) drawing one line chart.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const x = [0, 1, 2, 3];
const y = [2.3, 1.1, 0.6, 0.4];
new uPlot({ width: 600, height: 300, series: [{}, { label: 'loss', stroke: '#4e79a7' }] }, [x, y], document.getElementById('chart'));
