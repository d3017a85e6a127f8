import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The console, served by the API at /console (api/console.ts) from console/dist.
 * `npm run console:dev` serves it with hot reload and sends /v1 to the API (CONSOLE_API_URL, :3000 by default).
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No inline scripts or data: URLs: the API's Content-Security-Policy allows only same-origin files.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: { '/v1': process.env.CONSOLE_API_URL ?? 'http://localhost:3000' },
  },
});
