import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// `vite build` builds the benchmark page into dist/bench/. `vite build --mode size-NAME` builds the minimal page
// size/NAME.html alone into dist/size/NAME/, so that its JavaScript is that library and nothing else.
export default defineConfig(({ mode }) => {
  const size = mode.startsWith('size-') ? mode.slice('size-'.length) : null;
  return {
    base: './',
    logLevel: 'warn',
    build: {
      outDir: size ? `dist/size/${size}` : 'dist/bench',
      emptyOutDir: true,
      chunkSizeWarningLimit: 2000,
      reportCompressedSize: false,
      modulePreload: { polyfill: false },
      rolldownOptions: { input: resolve(import.meta.dirname, size ? `size/${size}.html` : 'index.html') },
    },
  };
});
