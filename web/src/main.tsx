import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './index.css';
import { App, preloadCharts } from './App';
import { api } from './api/client';
import { SignIn } from './components/Dashboard/SignIn';
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
const root = createRoot(document.getElementById('root')!);
// Off loopback the server needs its token: without a session the API answers 401, so ask for the token first.
void api
  .session()
  .catch(() => ({ token_required: false, signed_in: true }))
  .then((session) => {
    if (session.token_required && !session.signed_in) {
      root.render(<SignIn />);
      return;
    }
    void Promise.race([ready, new Promise((resolve) => setTimeout(resolve, FIRST_RENDER_WAIT_MS))]).then(() =>
      root.render(
        <StrictMode>
          <App />
        </StrictMode>,
      ),
    );
  });
