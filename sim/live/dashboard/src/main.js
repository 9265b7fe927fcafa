// The chainsim node dashboard: polls the node's own API and draws it; every action shows
// the node's real answer (status and message). Built with `npm run build` into
// dist/dashboard.html, which the node embeds and serves at GET /.
import { addressOfKeyHex, checkProofOfWork, newPrivateKey, publicKeyOf, signTransfer, toHex,
         addressOf } from './chain.js';

const $ = (id) => document.getElementById(id);
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const short = (h) => (h && h.length > 16 ? h.slice(0, 8) + '…' + h.slice(-6) : h ?? '');
const when = (t) => new Date(t * 1000).toISOString().replace('T', ' ').replace('.000Z', 'Z');
const POLL_MS = 1500;

// Replaces an element's content only when it changed, so a poll that finds nothing new
// leaves the page (and what the user is clicking or choosing) alone.
const drawn = new WeakMap();
function setHtml(el, html) {
  if (drawn.get(el) === html) return false;
  drawn.set(el, html);
  el.innerHTML = html;
  return true;
}
const LEDGER_ROWS = 15;

const state = {
  status: null, wallets: [], demo: false, chain: [], selected: null, seen: new Set(),
  key: localStorage.getItem('chainsim-dashboard-key') || '',
};

async function call(method, path, body) {
  const r = await fetch(path, {
    method, headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  let json = null;
  try { json = await r.json(); } catch { json = null; }
  return { status: r.status, json };
}
const get = async (path) => (await call('GET', path)).json;

// "HTTP 422 insufficient-funds: ..." or "HTTP 201: ..." — what the node really said.
function describe(answer) {
  const j = answer.json || {};
  const what = j.error ? `${j.error}: ${j.message}` : (j.message ?? '');
  return `HTTP ${answer.status}${what ? (j.error ? ' ' : ': ') + what : ''}`;
}
function note(el, answer) {
  el.textContent = describe(answer);
  el.className = 'answer ' + (answer.status < 300 ? 'ok' : 'bad');
  el.dataset.status = answer.status;
}

// --- Panels ------------------------------------------------------------------------------

function drawStatus(s) {
  $('node').textContent = s.node;
  $('height').textContent = s.height;
  $('tip').textContent = s.tip;
  const rows = [['height (genesis 0)', s.height], ['index (PyChain, genesis 1)', s.height + 1],
    ['blocks known', s.blocks], ['orphans', s.orphans], ['mempool', s.mempool], ['peers', s.peers],
    ['pow bits', s.pow_bits], ['miner', s.miner], ['blocks mined', s.blocks_mined],
    ['reorgs', s.reorgs], ['uptime', s.uptime_s + ' s']];
  setHtml($('status'), rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td><code>${esc(v)}</code></td></tr>`).join(''));
}

function drawPeers(n) {
  const body = n.peers.map((p) => `<tr class="${p.compatible ? '' : 'incompatible'}">
    <td><code>${esc(p.node)}</code></td>
    <td>${p.compatible ? 'chainsim' : '<b>incompatible</b><br><small>' + esc(p.reason) + '</small>'}</td>
    <td>${p.tip ? `${p.tip.height} <code>${esc(short(p.tip.hash))}</code>` : '<span class="muted">not heard</span>'}</td>
    <td>${p.reachable ? 'yes' : 'no'}</td><td>${p.answered}</td><td>${p.failed}</td>
    <td><small>${esc(p.last_error)}</small></td></tr>`).join('');
  setHtml($('peers').querySelector('tbody'), body || '<tr><td colspan="7" class="muted">no peers registered</td></tr>');
}

function remember(address) {
  if (address && address !== '0' && /^[0-9a-f]{40}$/.test(address)) state.seen.add(address);
}

function drawLedger(blocks) {
  state.chain = blocks;
  for (const b of blocks) {
    for (const t of b.transactions) {
      remember(t.recipient);
      if (t.sender !== '0') remember(addressOfKeyHex(t.sender));
    }
  }
  const changed = setHtml($('ledger').querySelector('tbody'), blocks.slice().reverse().map((b) => `
    <tr data-hash="${b.hash}">
      <td>${b.height}</td><td>${b.index}</td><td><code>${esc(short(b.hash))}</code></td>
      <td><code>${esc(short(b.transactions[0].recipient))}</code></td>
      <td>${b.transactions.length - 1}</td><td>${when(b.timestamp)}</td></tr>`).join(''));
  if (!changed) return;
  for (const row of $('ledger').querySelectorAll('tbody tr')) {
    row.onclick = () => inspect(row.dataset.hash);
    row.classList.toggle('selected', row.dataset.hash === state.selected);
  }
}

async function inspect(hash) {
  state.selected = hash;
  const r = await call('GET', '/blocks/' + hash);
  const box = $('inspector');
  if (r.status !== 200) {
    box.innerHTML = `<p class="bad">${esc(describe(r))}</p>`;
    return;
  }
  const b = r.json;
  box.className = '';
  const pow = checkProofOfWork(b);
  const fields = [['height', b.height], ['index', b.index], ['hash', b.hash],
    ['previous_hash', b.previous_hash], ['merkle_root', b.merkle_root], ['timestamp', `${b.timestamp} (${when(b.timestamp)})`],
    ['version', b.version], ['bits', b.bits], ['nonce (proof)', b.nonce]];
  const ok = pow.hashMatches && pow.meetsTarget;
  box.innerHTML = `<h3>Block ${b.height} <small class="muted">(index ${b.index})</small></h3>
    <table>${fields.map(([k, v]) => `<tr><th>${k}</th><td><code>${esc(v)}</code></td></tr>`).join('')}</table>
    <p id="inspector-pow" class="${ok ? 'ok' : 'bad'}" data-valid="${ok}">
      Proof of work ${ok ? 'valid' : 'INVALID'}: the header hashes (sha256d, recomputed here) to
      <code>${short(pow.hash)}</code> ${pow.hashMatches ? '= the block hash' : '≠ the block hash'};
      ${pow.leadingZeroBits} leading zero bits, ${pow.meetsTarget ? '≤' : '>'} target <code>${short(pow.target)}</code></p>
    <table class="txs"><thead><tr><th>txid</th><th>from</th><th>to</th><th>amount</th><th>fee</th><th>nonce</th></tr></thead><tbody>
    ${b.transactions.map((t) => `<tr><td><code>${short(t.txid)}</code></td>
      <td>${t.sender === '0' ? '<i>coinbase</i>' : '<code>' + short(addressOfKeyHex(t.sender)) + '</code>'}</td>
      <td><code>${short(t.recipient)}</code></td><td>${t.amount}</td><td>${t.fee}</td><td>${t.nonce}</td></tr>`).join('')}
    </tbody></table>`;
  for (const row of $('ledger').querySelectorAll('tbody tr')) row.classList.toggle('selected', row.dataset.hash === hash);
}

function drawMempool(m) {
  $('mempool-count').textContent = m.count;
  setHtml($('mempool').querySelector('tbody'), m.transactions.map((t) => {
    remember(t.recipient);
    const from = addressOfKeyHex(t.sender);
    remember(from);
    return `<tr data-txid="${t.txid}"><td><code>${short(t.txid)}</code></td><td><code>${short(from)}</code></td>
      <td><code>${short(t.recipient)}</code></td><td>${t.amount}</td><td>${t.fee}</td><td>${t.nonce}</td></tr>`;
  }).join('') || '<tr><td colspan="6" class="muted">empty</td></tr>');
}

// The block tree: one column per height, the active chain on the first lane, stale
// branches on the lanes below, each block joined to its parent.
function drawTree(t) {
  const byHash = new Map(t.blocks.map((b) => [b.hash, b]));
  const lanes = new Map();
  let nextLane = 1;
  const sorted = t.blocks.slice().sort((a, b) => a.height - b.height);
  for (const b of sorted) {
    if (b.active) { lanes.set(b.hash, 0); continue; }
    const parent = byHash.get(b.previous_hash);
    const parentLane = parent ? lanes.get(parent.hash) : undefined;
    const siblingTaken = sorted.some((o) => o !== b && lanes.get(o.hash) === parentLane && o.previous_hash === b.previous_hash && !o.active);
    lanes.set(b.hash, parentLane && parentLane > 0 && !siblingTaken ? parentLane : nextLane++);
  }
  const dx = 34, dy = 30, left = 20, top = 20;
  const minH = t.from_height;
  const x = (b) => left + (b.height - minH) * dx;
  const y = (b) => top + lanes.get(b.hash) * dy;
  const width = left * 2 + (t.height - minH + 1) * dx;
  const height = top * 2 + Math.max(1, nextLane) * dy;
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="block tree">`;
  for (const b of sorted) {
    const p = byHash.get(b.previous_hash);
    if (p) svg += `<line x1="${x(p)}" y1="${y(p)}" x2="${x(b)}" y2="${y(b)}" class="${b.active ? 'edge' : 'edge stale'}"/>`;
  }
  for (const b of sorted) {
    svg += `<g class="node ${b.active ? 'active' : 'stale'}" data-hash="${b.hash}"><circle cx="${x(b)}" cy="${y(b)}" r="8"/>` +
      `<title>height ${b.height} ${b.hash}${b.active ? '' : ' (stale)'}\nminer ${b.miner}, ${b.txs - 1} txs</title></g>`;
  }
  svg += '</svg>';
  $('tree-note').textContent = `heights ${minH}..${t.height}; ${t.stale} stale block(s)`;
  if (!setHtml($('tree'), svg)) return;
  for (const g of $('tree').querySelectorAll('g.node')) g.onclick = () => inspect(g.dataset.hash);
}

async function drawBalances() {
  const named = new Map(state.wallets.map((w) => [w.address, w.name]));
  if (state.key) named.set(addressOf(publicKeyOf(state.key)), 'this browser');
  const addresses = [...new Set([...named.keys(), ...state.seen])].slice(0, 30);
  const rows = await Promise.all(addresses.map((a) => get('/balance/' + a)));
  setHtml($('balances').querySelector('tbody'), rows.map((r) => `<tr data-address="${r.address}">
    <td><code>${r.address}</code></td><td>${esc(named.get(r.address) ?? '')}</td><td>${r.balance}</td><td>${r.nonce}</td></tr>`).join(''));
}

// --- Wallet ---------------------------------------------------------------------------------

function drawWalletChoices() {
  const from = $('wallet-from');
  const chosen = from.value;
  const options = state.wallets.map((w) => `<option value="demo:${w.name}">${w.name} (demo, ${w.balance})</option>`);
  options.push(`<option value="browser">key in this browser</option>`);
  if (setHtml(from, options.join('')) && [...from.options].some((o) => o.value === chosen)) {
    from.value = chosen;
  }
  setHtml($('recipients'), state.wallets.map((w) => `<option value="${w.name}">${w.address}</option>`).join(''));
  $('demo-note').textContent = state.demo ? state.demoNote : '';
  drawKey();
}

function drawKey() {
  if (!state.key) {
    setHtml($('wallet-key'), '<span class="muted">no key yet</span>');
    return;
  }
  const pub = publicKeyOf(state.key);
  setHtml($('wallet-key'), `address <code id="wallet-address">${addressOf(pub)}</code><br>public key <code>${toHex(pub)}</code>`);
}

async function send() {
  const from = $('wallet-from').value;
  const to = $('wallet-to').value.trim();
  const amount = Number($('wallet-amount').value);
  const fee = Number($('wallet-fee').value || 0);
  const out = $('wallet-status');
  if (!Number.isSafeInteger(amount) || !Number.isSafeInteger(fee)) {
    out.textContent = 'amount and fee must be whole numbers';
    out.className = 'answer bad';
    return;
  }
  let answer;
  if (from.startsWith('demo:')) {
    // The node signs for its demo wallets; the recipient may be a demo name.
    answer = await call('POST', '/transactions/new', { sender: from.slice(5), recipient: to, amount, fee });
  } else {
    if (!state.key) {
      out.textContent = 'generate a key first';
      out.className = 'answer bad';
      return;
    }
    const demo = state.wallets.find((w) => w.name === to);
    const recipient = demo ? demo.address : to;
    if (!/^[0-9a-f]{40}$/.test(recipient)) {
      out.textContent = 'the recipient must be a 40-hex-digit address or a demo wallet name';
      out.className = 'answer bad';
      return;
    }
    const me = addressOf(publicKeyOf(state.key));
    const account = await get('/balance/' + me);
    answer = await call('POST', '/transactions/new', signTransfer(state.key, recipient, amount, fee, account.nonce));
  }
  note(out, answer);
  if (answer.json?.txid) out.textContent += ` (txid ${answer.json.txid})`;
  refresh();
}

// --- Loop -----------------------------------------------------------------------------------

async function refresh() {
  try {
    const s = await get('/status');
    state.status = s;
    drawStatus(s);
    const [nodes, page, mempool, tree, wallets] = await Promise.all([
      get('/nodes'), get(`/chain?from=${Math.max(0, s.height - LEDGER_ROWS + 1)}&limit=${LEDGER_ROWS}`),
      get('/mempool'), get('/tree'), get('/wallets')]);
    state.wallets = wallets.wallets;
    state.demo = wallets.demo;
    state.demoNote = wallets.note;
    drawPeers(nodes);
    drawLedger(page.chain);
    drawMempool(mempool);
    drawTree(tree);
    drawWalletChoices();
    await drawBalances();
    $('offline').textContent = '';
  } catch (e) {
    $('offline').textContent = 'node unreachable: ' + e;
  }
}

$('mine').onclick = async () => {
  $('action').textContent = 'mining…';
  const r = await call('GET', '/mine');
  note($('action'), r);
  if (r.status === 200) $('action').textContent += ` — block ${r.json.height} (index ${r.json.index}), ${r.json.transactions.length - 1} txs`;
  refresh();
};
$('resolve').onclick = async () => {
  $('action').textContent = 'resolving…';
  const r = await call('GET', '/nodes/resolve');
  note($('action'), r);
  if (r.json?.peers) {
    $('action').textContent += ' — ' + (r.json.peers.map((p) => `${p.node}: ${p.verdict} (${p.detail})`).join('; ') || 'no peers');
  }
  refresh();
};
$('wallet-generate').onclick = () => {
  state.key = newPrivateKey();
  localStorage.setItem('chainsim-dashboard-key', state.key);
  $('wallet-from').value = 'browser';
  drawKey();
  refresh();
};
$('wallet-send').onclick = send;

refresh();
setInterval(refresh, POLL_MS);
