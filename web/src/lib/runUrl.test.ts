import { describe, expect, it } from 'vitest';
import { hrefWithRun, runFromSearch } from './runUrl';

describe('run in the URL', () => {
  it('reads ?run=, trimmed; absent or empty follows the live run', () => {
    expect(runFromSearch('?run=ext-1')).toBe('ext-1');
    expect(runFromSearch('?x=1&run=%20a%2Fb%20')).toBe('a/b');
    expect(runFromSearch('?run=')).toBeNull();
    expect(runFromSearch('')).toBeNull();
  });

  it('sets and removes ?run= keeping other parameters and the hash', () => {
    expect(hrefWithRun('http://h:1/?x=1#top', 'r 1')).toBe('http://h:1/?x=1&run=r+1#top');
    expect(hrefWithRun('http://h:1/?run=a&x=1', null)).toBe('http://h:1/?x=1');
    expect(hrefWithRun('http://h:1/?run=a', 'b')).toBe('http://h:1/?run=b');
    expect(runFromSearch(new URL(hrefWithRun('http://h/', 'a&b=c')).search)).toBe('a&b=c');
  });
});
