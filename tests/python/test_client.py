"""clients/python against the published signing vector and a live chainsim node."""

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "clients", "python"))
sys.path.insert(0, os.path.dirname(__file__))

import ecdsa  # noqa: E402

import chainsim_client as client  # noqa: E402
from chainsim_node import ChainsimNode  # noqa: E402

CLI = os.path.join(ROOT, "clients", "python", "chainsim_client.py")

with open(os.path.join(ROOT, "tests", "vectors", "tx_signing_v1.json"), encoding="utf-8") as f:
    VECTOR = json.load(f)


class SigningVector(unittest.TestCase):
    def test_matches_the_published_vector(self):
        key = client.Key.from_hex(VECTOR["private_key"])
        self.assertEqual(key.public_key.hex(), VECTOR["public_key"])
        self.assertEqual(key.address, VECTOR["sender_address"])
        pre = client.signing_preimage(key.public_key, bytes.fromhex(VECTOR["recipient"]),
                                      VECTOR["amount"], VECTOR["fee"], VECTOR["nonce"])
        self.assertEqual(pre.hex(), VECTOR["preimage"])
        digest = hashlib.sha256(pre).digest()
        self.assertEqual(digest.hex(), VECTOR["digest"])
        self.assertEqual(key.sign_digest(digest).hex(), VECTOR["signature"])
        self.assertEqual(client.txid_hex(digest), VECTOR["txid"])
        tx = client.make_transfer(key, VECTOR["recipient"], VECTOR["amount"], VECTOR["fee"],
                                  VECTOR["nonce"])
        self.assertEqual(tx, VECTOR["transaction"])

    def test_signatures_are_low_s(self):
        n = ecdsa.SECP256k1.order
        key = client.Key.generate()
        for i in range(50):
            sig = key.sign_digest(hashlib.sha256(bytes([i])).digest())
            self.assertLessEqual(int.from_bytes(sig[32:], "big"), n // 2)

    def test_refuses_bad_fields(self):
        key = client.Key.generate()
        with self.assertRaises(ValueError):
            client.signing_preimage(key.public_key, b"\x00" * 19, 1, 0, 0)
        with self.assertRaises(ValueError):
            client.signing_preimage(key.public_key, b"\x00" * 20, -1, 0, 0)
        with self.assertRaises(ValueError):
            client.signing_preimage(key.public_key, b"\x00" * 20, 1, 0, 2**64)


class AgainstALiveNode(unittest.TestCase):
    def setUp(self):
        self.alice = client.Key.generate()
        self.bob = client.Key.generate()
        self.node = ChainsimNode(["--pow-bits", "8", "--fund", self.alice.address + "=100"])
        self.node.__enter__()
        self.api = client.Node(self.node.url)

    def tearDown(self):
        self.node.__exit__(None, None, None)

    def test_a_signed_transfer_is_accepted_and_mined(self):
        status, answer = self.api.send(self.alice, self.bob.address, 30, fee=2)
        self.assertEqual(status, 201, answer)
        status, pool = self.api.request("GET", "/mempool")
        self.assertEqual(pool["transactions"][0]["txid"], answer["txid"])
        # The same transfer again is a duplicate; the next nonce is taken from the node.
        status, again = self.api.send(self.alice, self.bob.address, 30, fee=2, nonce=0)
        self.assertEqual(status, 409, again)
        status, mined = self.api.mine()
        self.assertEqual(status, 200, mined)
        self.assertEqual([t["txid"] for t in mined["transactions"][1:]], [answer["txid"]])
        self.assertEqual(self.api.balance(self.bob.address)[1]["balance"], 30)
        self.assertEqual(self.api.balance(self.alice.address)[1], {
            "address": self.alice.address, "balance": 68, "nonce": 1})
        status, over = self.api.send(self.alice, self.bob.address, 1000)
        self.assertEqual((status, over["error"]), (422, "insufficient-funds"))
        status, chain = self.api.chain()
        self.assertEqual(chain["length"], 2)
        self.assertEqual(chain["chain"][-1]["index"], 2)
        self.assertEqual(chain["chain"][-1]["height"], 1)

    def run_cli(self, *args):
        r = subprocess.run([sys.executable, CLI, *args], capture_output=True, text=True,
                           timeout=60)
        return r.returncode, r.stdout, r.stderr

    def test_the_command_line(self):
        with tempfile.TemporaryDirectory() as d:
            alice_file = os.path.join(d, "alice.json")
            with open(alice_file, "w", encoding="utf-8") as f:
                json.dump(self.alice.key_file(), f)
            bob_file = os.path.join(d, "bob.json")
            code, out, err = self.run_cli("new-key", "--out", bob_file)
            self.assertEqual(code, 0, err)
            bob = json.loads(out)["address"]
            self.assertEqual(os.stat(bob_file).st_mode & 0o777, 0o600)
            self.assertNotEqual(self.run_cli("new-key", "--out", bob_file)[0], 0)  # no overwrite
            code, out, _ = self.run_cli("address", bob_file)
            self.assertEqual(json.loads(out)["address"], bob)
            code, out, err = self.run_cli("send", "--key", alice_file, "--to", bob, "--amount",
                                          "5", "--node", self.node.url)
            self.assertEqual(code, 0, out + err)
            self.assertEqual(json.loads(out)["status"], 201)
            code, out, _ = self.run_cli("mine", "--node", self.node.url)
            self.assertEqual(code, 0)
            self.assertEqual(len(json.loads(out)["response"]["transactions"]), 2)
            code, out, _ = self.run_cli("balance", bob, "--node", self.node.url)
            self.assertEqual(json.loads(out)["response"]["balance"], 5)
            code, out, _ = self.run_cli("chain", "--node", self.node.url, "--from", "1")
            self.assertEqual(json.loads(out)["response"]["chain"][0]["index"], 2)
            code, out, _ = self.run_cli("send", "--key", bob_file, "--to", bob, "--amount", "99",
                                        "--node", self.node.url)
            self.assertEqual(code, 1)
            self.assertEqual(json.loads(out)["status"], 422)


if __name__ == "__main__":
    unittest.main()
