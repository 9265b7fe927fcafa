// The dashboard in a real browser (Debian's chromium, headless, driven by puppeteer-core):
// against a `chainsim node --demo-wallets 3` it mines with the button and sees the height
// change, sends a transfer from the wallet panel and sees it in the mempool and then in a
// block, sees the node's 422 message for an overspend, opens a block in the inspector (proof
// of work checked in the page), and signs a transfer with a key made in the browser.
//   CHAINSIM_BINARY   the chainsim binary (default build/chainsim)
//   CHROMIUM          the browser (default /usr/bin/chromium)
//   DASHBOARD_SCREENSHOT  if set, a PNG of the page at the end is written there
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'sim', 'live', 'dashboard', 'package.json'));
const puppeteer = require('puppeteer-core');

function startNode() {
  const binary = process.env.CHAINSIM_BINARY || join(root, 'build', 'chainsim');
  const child = spawn(binary, ['node', '--port', '0', '--pow-bits', '8', '--demo-wallets', '3', '--quiet'],
                      { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('node did not start: ' + out)), 20000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolve({ child, url: m[1] }); }
    });
    child.on('exit', (code) => reject(new Error(`node exited ${code}: ${out}`)));
  });
}

test('the dashboard mines, sends, shows the mempool, errors and blocks', { timeout: 120000 }, async () => {
  const { child, url } = await startNode();
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 1300 });
    const foreign = [];
    page.on('request', (r) => { if (!r.url().startsWith(url)) foreign.push(r.url()); });
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(url + '/');

    const text = (sel) => page.$eval(sel, (e) => e.textContent);
    const waitText = (sel, pattern, timeout = 15000) => page.waitForFunction(
      (s, p) => new RegExp(p).test(document.querySelector(s)?.textContent ?? ''), { timeout }, sel, pattern.source);

    // Mine with the button: the height changes without a reload.
    await waitText('#height', /^0$/);
    await page.click('#mine');
    await waitText('#height', /^1$/);
    assert.match(await text('#action'), /HTTP 200: New Block Forged/);

    // A transfer from a demo wallet: 201, in the mempool, then in a block.
    await waitText('#wallet-from', /alice/);
    await page.select('#wallet-from', 'demo:alice');
    const fill = async (sel, value) => { await page.click(sel, { clickCount: 3 }); await page.type(sel, String(value)); };
    await fill('#wallet-to', 'bob');
    await fill('#wallet-amount', 5);
    await page.click('#wallet-send');
    await waitText('#wallet-status', /HTTP 201/);
    const txid = (await text('#wallet-status')).match(/txid ([0-9a-f]{64})/)[1];
    await page.waitForSelector(`#mempool tr[data-txid="${txid}"]`, { timeout: 15000 });
    assert.equal(await text('#mempool-count'), '1');
    await page.click('#mine');
    await waitText('#height', /^2$/);
    await waitText('#mempool-count', /^0$/);
    await waitText('#ledger tbody tr:first-child', /^\s*2\s*3/);  // height 2, index 3
    const hash = await page.$eval('#ledger tbody tr:first-child', (e) => e.dataset.hash);

    // The block in the inspector: header fields, proof of work valid, the transfer listed.
    // (By selector, not element handle: the ledger is redrawn on every poll.)
    await page.click(`#ledger tbody tr[data-hash="${hash}"]`);
    await page.waitForSelector('#inspector-pow[data-valid="true"]', { timeout: 15000 });
    const inspector = await text('#inspector');
    assert.match(inspector, /Block 2/);
    assert.match(inspector, /merkle_root/);
    assert.ok(inspector.includes(txid.slice(0, 8)), inspector);

    // An overspend: the node's own 422 and message.
    await fill('#wallet-amount', 100000);
    await page.click('#wallet-send');
    await waitText('#wallet-status', /HTTP 422 insufficient-funds/);

    // A key made in the browser, funded by alice, signs its own transfer (noble secp256k1).
    await page.click('#wallet-generate');
    await page.waitForSelector('#wallet-address');
    const mine = await text('#wallet-address');
    await page.select('#wallet-from', 'demo:alice');
    await fill('#wallet-to', mine);
    await fill('#wallet-amount', 20);
    await page.click('#wallet-send');
    await waitText('#wallet-status', /HTTP 201/);
    await page.click('#mine');
    await waitText('#height', /^3$/);
    await page.waitForFunction((a) => document.querySelector(`#balances tr[data-address="${a}"]`)?.children[2].textContent === '20',
                               { timeout: 15000 }, mine);
    await page.select('#wallet-from', 'browser');
    await fill('#wallet-to', 'carol');
    await fill('#wallet-amount', 3);
    await fill('#wallet-fee', 1);
    await page.click('#wallet-send');
    await waitText('#wallet-status', /HTTP 201/);
    await fill('#wallet-amount', 1000);
    await page.click('#wallet-send');
    await waitText('#wallet-status', /HTTP 422 insufficient-funds/);
    await page.click('#mine');
    await waitText('#height', /^4$/);
    await page.waitForSelector('#tree svg g.node', { timeout: 15000 });

    if (process.env.DASHBOARD_SCREENSHOT) {
      await new Promise((r) => setTimeout(r, 1600));  // one more poll: every panel filled
      await page.screenshot({ path: process.env.DASHBOARD_SCREENSHOT, fullPage: true });
    }
    assert.deepEqual(foreign, [], 'the page loads nothing from elsewhere');
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
    child.kill('SIGTERM');
  }
});
