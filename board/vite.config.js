// Builds the board into dist/board (next to the compiled node in dist/src), which the node serves
// at `/`. `npm run build` runs it after tsc; `npx vite board` serves it live against a node on
// :9380 through the proxy below.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  logLevel: 'warn',
  build: { outDir: fileURLToPath(new URL('../dist/board', import.meta.url)), emptyOutDir: true, chunkSizeWarningLimit: 1200 },
  server: { proxy: { '/v1': 'http://127.0.0.1:9380' } },
});
