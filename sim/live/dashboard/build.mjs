// npm run build: bundles src/ (with @noble/secp256k1 and @noble/hashes) into one
// self-contained page, dist/dashboard.html, which CMake embeds into the chainsim binary.
// `node build.mjs --check` builds in memory and fails if the committed page differs.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
process.chdir(here);

const result = await build({
  entryPoints: ['src/main.js'], bundle: true, minify: true, format: 'iife', target: 'es2020',
  write: false, legalComments: 'eof', absWorkingDir: here,
});
const js = result.outputFiles[0].text;
if (/<\/script/i.test(js)) throw new Error('the bundle contains </script');
const page = readFileSync('src/index.html', 'utf8').replace('<!-- BUNDLE -->', () => `<script>${js}</script>`);
if (process.argv.includes('--check')) {
  const committed = existsSync('dist/dashboard.html') ? readFileSync('dist/dashboard.html', 'utf8') : '';
  if (committed !== page) {
    console.error('dist/dashboard.html is not the build of src/: run scripts/build-dashboard');
    process.exit(1);
  }
  console.log('dist/dashboard.html is the build of src/');
  process.exit(0);
}
mkdirSync('dist', { recursive: true });
writeFileSync('dist/dashboard.html', page);
console.log(`dist/dashboard.html: ${page.length} bytes`);
