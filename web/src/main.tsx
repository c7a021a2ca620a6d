import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './index.css';
import { App, preloadCharts } from './App';
import { earlyHistoryArrived } from './lib/earlyHistory';
import { runFromSearch } from './lib/runUrl';
import { monitoringStore } from './store/monitoring';

// A link with ?run=<id> opens that run; set before the first render so no panel loads the live run's data first.
const linkedRun = runFromSearch(window.location.search);
monitoringStore.getState().pinRun(linkedRun);
// Its curves were requested before this code loaded (index.html's inline script, lib/earlyHistory.ts), and the
// charts' chunks with the page (modulepreload). The first render waits for both, at most FIRST_RENDER_WAIT_MS: the
// charts then mount with their curves, rather than behind a fallback React reveals up to 300 ms later and then empty.
const FIRST_RENDER_WAIT_MS = 250;
const ready = Promise.all([preloadCharts().catch(() => undefined), earlyHistoryArrived()]);
void Promise.race([ready, new Promise((resolve) => setTimeout(resolve, FIRST_RENDER_WAIT_MS))]).then(() =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
);
