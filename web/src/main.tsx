import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './index.css';
import { App, preloadCharts } from './App';
import { HISTORY_POINTS, LOSS_SPECS, METRICS_SPECS } from './lib/chartSeries';
import { prefetchHistory } from './lib/historyPrefetch';
import { runFromSearch } from './lib/runUrl';
import { monitoringStore } from './store/monitoring';

// A link with ?run=<id> opens that run; set before the first render so no panel loads the live run's data first.
const linkedRun = runFromSearch(window.location.search);
monitoringStore.getState().pinRun(linkedRun);
// Its curves and the charts' code are requested now, together, not one after the other.
if (linkedRun !== null) {
  for (const specs of [LOSS_SPECS, METRICS_SPECS]) prefetchHistory(linkedRun, specs.map((s) => s.name), HISTORY_POINTS);
  preloadCharts();
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
