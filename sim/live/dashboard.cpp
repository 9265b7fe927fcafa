// GET /: a one-page dashboard that polls the node's own API (no external assets).
#include <string>

#include "sim/live/live_node.h"

namespace live {

const std::string& dashboard_html() {
    static const std::string html = R"HTML(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>chainsim node</title>
<style>
body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.3em}h2{font-size:1.05em;margin-top:1.4em}
table{border-collapse:collapse}td,th{padding:2px 10px;border-bottom:1px solid #ddd;text-align:left}
code{font-size:12px}.muted{color:#777}
</style></head><body>
<h1>chainsim node <span id="node" class="muted"></span></h1>
<table id="status"></table>
<p><button onclick="mine()">Mine a block</button> <button onclick="resolve()">Resolve with peers</button>
<span id="note" class="muted"></span></p>
<h2>Latest blocks</h2><table id="blocks"><tr><th>height</th><th>hash</th><th>txs</th><th>time</th></tr></table>
<h2>Peers</h2><table id="peers"><tr><th>url</th><th>reachable</th><th>answered</th><th>failed</th><th>last error</th></tr></table>
<h2>Mempool</h2><p id="mempool" class="muted"></p>
<script>
const esc = s => String(s).replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
async function get(path){ const r = await fetch(path); return r.json(); }
async function refresh(){
  try {
    const s = await get('/status');
    document.getElementById('node').textContent = s.node;
    const rows = ['height','tip','blocks','orphans','mempool','peers','pow_bits','miner','blocks_mined','reorgs','uptime_s'];
    document.getElementById('status').innerHTML = rows.map(k => `<tr><th>${k}</th><td><code>${esc(s[k])}</code></td></tr>`).join('');
    const from = Math.max(0, s.height - 9);
    const c = await get('/chain?from=' + from + '&limit=10');
    document.getElementById('blocks').innerHTML = '<tr><th>height</th><th>hash</th><th>txs</th><th>time</th></tr>' +
      c.chain.slice().reverse().map(b => `<tr><td>${b.index}</td><td><code>${esc(b.hash)}</code></td><td>${b.transactions.length}</td><td>${new Date(b.timestamp*1000).toISOString()}</td></tr>`).join('');
    const n = await get('/nodes');
    document.getElementById('peers').innerHTML = '<tr><th>url</th><th>reachable</th><th>answered</th><th>failed</th><th>last error</th></tr>' +
      n.peers.map(p => `<tr><td>${esc(p.url)}</td><td>${p.reachable}</td><td>${p.answered}</td><td>${p.failed}</td><td>${esc(p.last_error)}</td></tr>`).join('');
    const m = await get('/mempool');
    document.getElementById('mempool').textContent = m.count + ' pending transaction(s)';
  } catch (e) { document.getElementById('note').textContent = 'node unreachable: ' + e; }
}
async function mine(){ const b = await get('/mine'); document.getElementById('note').textContent = b.message + ' ' + (b.index ?? ''); refresh(); }
async function resolve(){ const r = await get('/nodes/resolve'); document.getElementById('note').textContent = r.message; refresh(); }
refresh(); setInterval(refresh, 2000);
</script></body></html>
)HTML";
    return html;
}

}  // namespace live
