// Bundles the dashboard page (dashboards/web) into dist/dashboard/: index.html, app.js and
// app.css (uPlot's CSS included). Run by `npm run build`, so `npm ci` (prepare) produces it;
// nothing is fetched at run time.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', '..', 'dist', 'dashboard');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: { app: join(here, 'main.ts') },
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2022',
  outdir: out,
  logLevel: 'warning',
  legalComments: 'none',
});
copyFileSync(join(here, 'index.html'), join(out, 'index.html'));
