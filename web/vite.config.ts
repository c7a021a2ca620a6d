/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';
import { earlyHistory } from './plugins/earlyHistory.ts';
import { preloadChunks } from './plugins/preloadChunks.ts';

// `npm run dev` proxies the API and WebSocket to a `vigil serve` on :8000, so the UI can be developed with hot reload.
const backend = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env['VIGIL_URL'] ?? 'http://localhost:8000';

export default defineConfig({
  plugins: [
    react(),
    tailwindcss(),
    earlyHistory(),
    preloadChunks(['src/components/Charts/LossChart.tsx', 'src/components/Charts/MetricsChart.tsx']),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: {
      '/api': backend,
      '/ws': { target: backend.replace(/^http/, 'ws'), ws: true },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
