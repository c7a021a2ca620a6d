import type { Plugin } from 'vite';
import { earlyHistoryScript } from '../src/lib/earlyHistory.ts';

/**
 * Puts the early history requests (src/lib/earlyHistory.ts) inline at the top of index.html: a link to a run has its
 * curves on the way before the app's code has loaded, instead of once that code has run.
 */
export function earlyHistory(): Plugin {
  return {
    name: 'vigil-early-history',
    transformIndexHtml: () => [{ tag: 'script', children: earlyHistoryScript(), injectTo: 'head-prepend' }],
  };
}
