// What the dashboard computes itself: the transfer-signing digest (docs/pychain.md,
// "Signing"), addresses, and the proof-of-work check of a block header. The curve and hash
// code is @noble's (audited, maintained); nothing here implements cryptography.
import * as secp from '@noble/secp256k1';
import { sha256 } from '@noble/hashes/sha256';
import { hmac } from '@noble/hashes/hmac';

// RFC 6979 signing needs HMAC-SHA256 synchronously.
secp.etc.hmacSha256Sync = (key, ...msgs) => hmac(sha256, key, secp.etc.concatBytes(...msgs));

export const toHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
export function fromHex(hex) {
  if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw new Error('not hex: ' + hex);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(2 * i, 2), 16);
  return out;
}

function u64le(value) {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(value), true);
  return b;
}
function u32le(value) {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, value >>> 0, true);
  return b;
}

// "chainsim/tx/v1" || 0x01 || sender key (33) || recipient (20) || amount, fee, nonce (u64le).
export function signingDigest(publicKey, recipient, amount, fee, nonce) {
  return sha256(secp.etc.concatBytes(new TextEncoder().encode('chainsim/tx/v1'), new Uint8Array([1]),
    publicKey, recipient, u64le(amount), u64le(fee), u64le(nonce)));
}

export const addressOf = (publicKey) => toHex(sha256(publicKey).slice(0, 20));
export const addressOfKeyHex = (publicKeyHex) => addressOf(fromHex(publicKeyHex));

export function newPrivateKey() {
  return toHex(secp.utils.randomPrivateKey());
}

export function publicKeyOf(privateKeyHex) {
  return secp.getPublicKey(fromHex(privateKeyHex), true);
}

// The JSON body of POST /transactions/new: RFC 6979, low-S, r || s.
export function signTransfer(privateKeyHex, recipientHex, amount, fee, nonce) {
  const pub = publicKeyOf(privateKeyHex);
  const digest = signingDigest(pub, fromHex(recipientHex), amount, fee, nonce);
  const sig = secp.sign(digest, fromHex(privateKeyHex), { lowS: true });
  return {
    sender: toHex(pub), recipient: recipientHex, amount, fee, nonce,
    signature: toHex(sig.toCompactRawBytes()), txid: toHex(digest.slice().reverse()),
  };
}

// Re-derives a block's hash from its header fields and checks it against the target.
export function checkProofOfWork(block) {
  const reversed = (hex) => fromHex(hex).reverse();
  const bits = parseInt(block.bits, 16);
  const header = secp.etc.concatBytes(u32le(block.version), reversed(block.previous_hash),
    reversed(block.merkle_root), u32le(block.timestamp), u32le(bits), u32le(block.nonce));
  const hash = toHex(sha256(sha256(header)).reverse());
  const exponent = bits >>> 24;
  const mantissa = BigInt(bits & 0x007fffff);
  const target = exponent <= 3 ? mantissa >> BigInt(8 * (3 - exponent))
    : mantissa << BigInt(8 * (exponent - 3));
  const value = BigInt('0x' + hash);
  const zeros = 256 - value.toString(2).length;
  return { hash, hashMatches: hash === block.hash, target: target.toString(16).padStart(64, '0'),
           meetsTarget: value <= target, leadingZeroBits: zeros };
}
