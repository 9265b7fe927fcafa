#!/usr/bin/python3
"""A Python client for chainsim live nodes: keys, signed transfers, and the node's API.

Uses only the standard library and Debian's python3-ecdsa (RFC 6979 deterministic,
low-S signatures over secp256k1). The transaction digest is specified byte by byte in
docs/pychain.md ("Signing"), with the test vector tests/vectors/tx_signing_v1.json.

As a module:
    key = Key.generate()
    node = Node("http://127.0.0.1:5000")
    status, answer = node.send(key, recipient, amount=5, fee=1)

As a command (python3 clients/python/chainsim_client.py --help):
    new-key [--out FILE] | address KEYFILE | balance ADDRESS --node URL
    | send --key KEYFILE --to ADDRESS --amount N [--fee N] [--nonce N] --node URL
    | mine --node URL | chain --node URL [--from HEIGHT] [--limit N]
"""

import argparse
import hashlib
import json
import os
import struct
import sys
import urllib.error
import urllib.request

import ecdsa
from ecdsa.util import sigencode_string_canonize

DOMAIN = b"chainsim/tx/v1"


def signing_preimage(public_key: bytes, recipient: bytes, amount: int, fee: int, nonce: int) -> bytes:
    """The bytes a transfer's digest hashes: domain, 0x01, sender key, recipient, 3 x u64le."""
    if len(public_key) != 33 or public_key[0] not in (2, 3):
        raise ValueError("the sender must be a 33-byte compressed public key")
    if len(recipient) != 20:
        raise ValueError("the recipient must be a 20-byte address")
    for name, value in (("amount", amount), ("fee", fee), ("nonce", nonce)):
        if not isinstance(value, int) or not 0 <= value < 2**64:
            raise ValueError(f"{name} must be an integer in 0..2^64-1")
    return DOMAIN + b"\x01" + public_key + recipient + struct.pack("<QQQ", amount, fee, nonce)


def signing_digest(public_key: bytes, recipient: bytes, amount: int, fee: int, nonce: int) -> bytes:
    """SHA-256 of the preimage: what the signature covers. Reversed, it is the txid."""
    return hashlib.sha256(signing_preimage(public_key, recipient, amount, fee, nonce)).digest()


def txid_hex(digest: bytes) -> str:
    """The txid as nodes print it: the digest's bytes reversed (Bitcoin's display order)."""
    return digest[::-1].hex()


class Key:
    """A secp256k1 private key with chainsim's address (first 20 bytes of SHA-256(pubkey))."""

    def __init__(self, private_key: bytes):
        self._sk = ecdsa.SigningKey.from_string(private_key, curve=ecdsa.SECP256k1)

    @classmethod
    def generate(cls) -> "Key":
        return cls(ecdsa.SigningKey.generate(curve=ecdsa.SECP256k1, entropy=os.urandom).to_string())

    @classmethod
    def from_hex(cls, text: str) -> "Key":
        raw = bytes.fromhex(text)
        if len(raw) != 32:
            raise ValueError("a private key is 64 hex digits")
        return cls(raw)

    @property
    def private_key(self) -> bytes:
        return self._sk.to_string()

    @property
    def public_key(self) -> bytes:
        return self._sk.get_verifying_key().to_string("compressed")

    @property
    def address(self) -> str:
        return hashlib.sha256(self.public_key).digest()[:20].hex()

    def sign_digest(self, digest: bytes) -> bytes:
        """64 bytes r || s: RFC 6979 deterministic, s normalised to the low half."""
        return self._sk.sign_digest_deterministic(
            digest, hashfunc=hashlib.sha256, sigencode=sigencode_string_canonize)

    def key_file(self) -> dict:
        """The key file of `chainsim wallet new`."""
        return {"private_key": self.private_key.hex(), "public_key": self.public_key.hex(),
                "address": self.address}


def load_key_file(path: str) -> Key:
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    key = Key.from_hex(data["private_key"])
    if data.get("public_key", key.public_key.hex()) != key.public_key.hex() or \
            data.get("address", key.address) != key.address:
        raise ValueError(f"{path}: the public key or address does not match the private key")
    return key


def make_transfer(key: Key, recipient: str, amount: int, fee: int, nonce: int) -> dict:
    """The JSON body of POST /transactions/new for a signed transfer."""
    to = bytes.fromhex(recipient)
    digest = signing_digest(key.public_key, to, amount, fee, nonce)
    return {"sender": key.public_key.hex(), "recipient": recipient, "amount": amount,
            "fee": fee, "nonce": nonce, "signature": key.sign_digest(digest).hex(),
            "txid": txid_hex(digest)}


class Node:
    """A chainsim live node's HTTP API. Every call returns (HTTP status, decoded JSON)."""

    def __init__(self, url: str, timeout: float = 10.0):
        self.url = url.rstrip("/")
        self.timeout = timeout

    def request(self, method: str, path: str, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            text = e.read()
            try:
                return e.code, json.loads(text)
            except ValueError:
                return e.code, {"error": "not-json", "message": text.decode(errors="replace")}

    def balance(self, address: str):
        return self.request("GET", "/balance/" + address)

    def mine(self):
        return self.request("GET", "/mine")

    def chain(self, start=None, limit=None):
        path = "/chain"
        if start is not None:
            path += f"?from={start}" + (f"&limit={limit}" if limit is not None else "")
        return self.request("GET", path)

    def send(self, key: Key, recipient: str, amount: int, fee: int = 0, nonce=None):
        """Signs and posts a transfer; the nonce defaults to the node's next for the sender."""
        if nonce is None:
            status, answer = self.balance(key.address)
            if status != 200:
                return status, answer
            nonce = answer["nonce"]
        return self.request("POST", "/transactions/new",
                            make_transfer(key, recipient, amount, fee, nonce))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="chainsim_client.py",
                                     description="Keys and signed transfers for chainsim nodes.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("new-key", help="make a key (prints its key file, or writes --out)")
    p.add_argument("--out", help="write the key file here (mode 0600, never overwritten)")
    p = sub.add_parser("address", help="the address and public key of a key file")
    p.add_argument("keyfile")
    p = sub.add_parser("balance", help="an address's balance and next nonce")
    p.add_argument("address")
    p.add_argument("--node", required=True)
    p = sub.add_parser("send", help="sign a transfer and post it")
    p.add_argument("--key", required=True)
    p.add_argument("--to", required=True)
    p.add_argument("--amount", type=int, required=True)
    p.add_argument("--fee", type=int, default=0)
    p.add_argument("--nonce", type=int)
    p.add_argument("--node", required=True)
    p = sub.add_parser("mine", help="ask the node to mine a block")
    p.add_argument("--node", required=True)
    p = sub.add_parser("chain", help="the node's chain (or a page of it)")
    p.add_argument("--node", required=True)
    p.add_argument("--from", dest="start", type=int)
    p.add_argument("--limit", type=int)
    args = parser.parse_args(argv)

    def show(value):
        print(json.dumps(value, indent=2, sort_keys=True))

    try:
        if args.command == "new-key":
            key = Key.generate()
            if args.out:
                fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    json.dump(key.key_file(), f, indent=2)
                show({"address": key.address, "public_key": key.public_key.hex(), "file": args.out})
            else:
                show(key.key_file())
            return 0
        if args.command == "address":
            key = load_key_file(args.keyfile)
            show({"address": key.address, "public_key": key.public_key.hex()})
            return 0
        node = Node(args.node)
        if args.command == "balance":
            status, answer = node.balance(args.address)
        elif args.command == "send":
            status, answer = node.send(load_key_file(args.key), args.to, args.amount, args.fee,
                                       args.nonce)
        elif args.command == "mine":
            status, answer = node.mine()
        else:
            status, answer = node.chain(args.start, args.limit)
        show({"status": status, "response": answer})
        return 0 if status in (200, 201) else 1
    except (OSError, ValueError, KeyError) as e:
        print(f"chainsim_client: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
