// npm run screenshot [-- OUT.png]: the picture in docs/dashboard.png. Two nodes on ports
// 5811 and 5812 (plus a dead peer 5813) each mine a block apart, then peer: the one that
// loses keeps a stale block; a demo transfer, an inspected block and an overspend's 422.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const puppeteer = require('puppeteer-core');
const here = dirname(fileURLToPath(import.meta.url));
const bin = process.env.CHAINSIM_BINARY || join(here, '..', '..', '..', 'build', 'chainsim');
function start(port) {
  const c = spawn(bin, ['node', '--port', String(port), '--pow-bits', '12', '--demo-wallets', '3', '--quiet'], { stdio: 'ignore' });
  return c;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const A = 'http://127.0.0.1:5811', B = 'http://127.0.0.1:5812';
const a = start(5811), b = start(5812);
await sleep(1500);
const j = async (u, opt) => (await fetch(u, opt)).json();
const post = (u, body) => j(u, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
await j(B + '/mine');
await j(A + '/mine');
await post(A + '/transactions/new', { sender: 'alice', recipient: 'bob', amount: 12, fee: 1 });
await j(A + '/mine');
await post(B + '/nodes/register', { nodes: ['127.0.0.1:5811', '127.0.0.1:5813'] });
await post(A + '/nodes/register', { nodes: ['127.0.0.1:5812'] });
await sleep(1500);
await j(B + '/mine');
await post(B + '/transactions/new', { sender: 'carol', recipient: 'alice', amount: 7 });
try {
const browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage();
await page.setViewport({ width: 1400, height: 1200 });
await page.goto(B + '/');
await sleep(2500);
const hash = await page.$eval('#ledger tbody tr:nth-child(2)', (e) => e.dataset.hash);
await page.click(`#ledger tbody tr[data-hash="${hash}"]`);
await page.select('#wallet-from', 'demo:bob');
await page.type('#wallet-to', 'alice');
await page.click('#wallet-amount', { clickCount: 3 }); await page.type('#wallet-amount', '5000');
await page.click('#wallet-send');
await sleep(2000);
await page.screenshot({ path: process.argv[2] || join(here, '..', '..', '..', 'docs', 'dashboard.png'), fullPage: true });
await browser.close();
} finally {
  a.kill();
  b.kill();
}
