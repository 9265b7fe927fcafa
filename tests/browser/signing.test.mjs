// The dashboard's own signing code (sim/live/dashboard/src/chain.js, on @noble/secp256k1)
// against the published vector tests/vectors/tx_signing_v1.json, and its proof-of-work
// check against a real block.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const chain = await import(pathToFileURL(join(root, 'sim', 'live', 'dashboard', 'src', 'chain.js')));
const v = JSON.parse(readFileSync(join(root, 'tests', 'vectors', 'tx_signing_v1.json'), 'utf8'));

test('the browser signs the published vector byte for byte', () => {
  const pub = chain.publicKeyOf(v.private_key);
  assert.equal(chain.toHex(pub), v.public_key);
  assert.equal(chain.addressOf(pub), v.sender_address);
  const digest = chain.signingDigest(pub, chain.fromHex(v.recipient), v.amount, v.fee, v.nonce);
  assert.equal(chain.toHex(digest), v.digest);
  assert.deepEqual(chain.signTransfer(v.private_key, v.recipient, v.amount, v.fee, v.nonce), v.transaction);
});

test('the proof-of-work check recomputes the header hash', () => {
  // Block 1 of a `chainsim node --pow-bits 8`, as GET /blocks/{hash} served it.
  const good = JSON.parse(readFileSync(join(root, 'tests', 'vectors', 'block_pow8_height1.json'), 'utf8'));
  const r = chain.checkProofOfWork(good);
  assert.equal(r.hashMatches, true);
  assert.equal(r.meetsTarget, true);
  const bad = chain.checkProofOfWork({ ...good, nonce: good.nonce + 1 });
  assert.equal(bad.hashMatches, false);
  assert.equal(chain.checkProofOfWork({ ...good, bits: '1d00ffff' }).meetsTarget, false);
});
