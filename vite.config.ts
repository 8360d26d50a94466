// Build of the web app (src/web, Vite + Preact) into dist/web, which Fastify serves at /.
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

// `npx vite` (dev server) proxies the API to a locally running `npm start`.
const apiTarget = process.env.FALDONE_API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: 'src/web',
  base: '/',
  plugins: [preact()],
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
      '/docs': apiTarget,
    },
  },
});
