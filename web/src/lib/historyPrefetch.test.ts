import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadHistory, prefetchHistory } from './historyPrefetch';

const answer = (run: string) => ({ run_id: run, series: [] });

describe('historyPrefetch', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('hands a prefetched answer out once, to the same request only', async () => {
    const fetch = vi.fn(async (url: string) => new Response(JSON.stringify(answer(new URL(url, 'http://x').searchParams.get('run')!))));
    vi.stubGlobal('fetch', fetch);
    prefetchHistory('r1', ['loss/train', 'loss/val'], 2000);
    prefetchHistory('r1', ['loss/train', 'loss/val'], 2000); // started already: no second request
    expect(fetch).toHaveBeenCalledTimes(1);

    await expect(loadHistory('r1', ['loss/train', 'loss/val'], 2000)).resolves.toEqual(answer('r1'));
    expect(fetch).toHaveBeenCalledTimes(1);
    // Taken: the next load (a reconnect, the run chosen again) asks the server afresh, as does any other request.
    await loadHistory('r1', ['loss/train', 'loss/val'], 2000);
    await loadHistory('r1', ['loss/train'], 2000);
    expect(fetch).toHaveBeenCalledTimes(3);
    expect(String(fetch.mock.calls[0]![0])).toContain('max_points=2000');
  });

  // Vitest fails the run on an unhandled rejection, so this also checks that the failed prefetch stays quiet until taken.
  it('a failed prefetch rejects only for whoever takes it', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ error: 'no such run' }), { status: 404 })));
    prefetchHistory('gone', ['loss/train'], 2000);
    await new Promise((r) => setTimeout(r, 10));
    await expect(loadHistory('gone', ['loss/train'], 2000)).rejects.toThrow('no such run');
  });
});
