// Builds the web UI (ui/src) into ui/dist with Vite: `npm run build:ui`. The api serves
// ui/dist at `/` (api/ui/ui-routes.ts). The UI reuses the pipeline loader (pipeline/) to check
// files as the user types; the few Node modules the loader imports for reading folders are
// replaced by stubs, since the browser only ever hands it text.

import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const nodeStub = fileURLToPath(new URL('./src/editor/node-stubs.ts', import.meta.url));

await build({
  root,
  base: '/',
  logLevel: 'warn',
  configFile: false,
  publicDir: 'public',
  resolve: {
    alias: [{ find: /^node:(fs\/promises|path|url)$/, replacement: nodeStub }],
  },
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No data: URLs or inline code: the Content-Security-Policy allows files of this origin.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 2048,
    target: 'es2022',
  },
});
console.log(`Built the web UI into ${root}dist`);
