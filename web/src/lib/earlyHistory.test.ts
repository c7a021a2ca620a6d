import { afterEach, describe, expect, it, vi } from 'vitest';
import { historyPath } from '../api/client';
import { HISTORY_POINTS, LOSS_SPECS, METRICS_SPECS } from './chartSeries';
import { earlyHistoryArrived, earlyHistoryScript, loadHistory, startEarlyHistory } from './earlyHistory';

const answer = (url: string) => ({ run_id: new URL(url, 'http://x').searchParams.get('run'), series: [] });
const lossNames = LOSS_SPECS.map((s) => s.name);

/** Runs index.html's inline script as the page would, with this location and fetch. */
function runInlineScript(search: string, fetch: (path: string) => Promise<Response>) {
  new Function('location', 'fetch', earlyHistoryScript())({ search }, fetch);
}

describe('earlyHistory', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    delete globalThis.__vigilEarlyHistory;
  });

  it('asks for exactly the paths the charts will ask for, awkward run ids included', () => {
    const get = vi.fn(async (path: string) => ({ status: 200, statusText: 'OK', text: JSON.stringify(answer(path)) }));
    const id = 'run 1/é&x=2';
    const started = startEarlyHistory(`?run=${encodeURIComponent(id)}`, 'run', [['loss/train', 'a,b'], ['f1_score']], 500, get);
    expect(Object.keys(started)).toEqual([historyPath(id, ['loss/train', 'a,b'], { maxPoints: 500 }), historyPath(id, ['f1_score'], { maxPoints: 500 })]);
    expect(get).toHaveBeenCalledTimes(2);
  });

  it('asks for nothing without a run in the link', () => {
    const get = vi.fn(async () => ({ status: 200, statusText: 'OK', text: '{}' }));
    expect(startEarlyHistory('?theme=dark&run=%20', 'run', [['loss/train']], 500, get)).toEqual({});
    expect(get).not.toHaveBeenCalled();
  });

  it("the page's inline script starts both charts' requests, and each answer is handed out once", async () => {
    const early = vi.fn(async (path: string) => new Response(JSON.stringify(answer(path))));
    runInlineScript('?run=r1', early);
    expect(early).toHaveBeenCalledTimes(2);
    expect(String(early.mock.calls[1]![0])).toBe(historyPath('r1', METRICS_SPECS.map((s) => s.name), { maxPoints: HISTORY_POINTS }));

    const later = vi.fn(async (url: string) => new Response(JSON.stringify(answer(url))));
    vi.stubGlobal('fetch', later);
    await expect(loadHistory('r1', lossNames, HISTORY_POINTS)).resolves.toEqual(answer('/?run=r1'));
    expect(later).not.toHaveBeenCalled();
    // Taken: the next load (a reconnect, the run chosen again) asks the server afresh, as does any other request.
    await loadHistory('r1', lossNames, HISTORY_POINTS);
    await loadHistory('r2', lossNames, HISTORY_POINTS);
    expect(later).toHaveBeenCalledTimes(2);
  });

  // Vitest fails the run on an unhandled rejection, so this also checks that a failed request stays quiet until taken.
  it('a failed early request rejects only for whoever takes it, with the server message', async () => {
    runInlineScript('?run=gone', async () => new Response(JSON.stringify({ error: 'no such run' }), { status: 404 }));
    await earlyHistoryArrived();
    await new Promise((r) => setTimeout(r, 0)); // one turn of the event loop: Node reports unhandled rejections here
    await expect(loadHistory('gone', lossNames, HISTORY_POINTS)).rejects.toThrow('no such run');
  });
});
