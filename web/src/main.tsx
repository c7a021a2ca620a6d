import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './index.css';
import { App } from './App';
import { runFromSearch } from './lib/runUrl';
import { monitoringStore } from './store/monitoring';

// A link with ?run=<id> opens that run; set before the first render so no panel loads the live run's data first.
monitoringStore.getState().pinRun(runFromSearch(window.location.search));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
