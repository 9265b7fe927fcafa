"""GET /metrics parsed as Prometheus text by Debian's python3-prometheus-client."""

import json
import os
import sys
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))

from prometheus_client.parser import text_string_to_metric_families  # noqa: E402

from chainsim_node import ChainsimNode  # noqa: E402


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.headers.get("Content-Type"), r.read().decode()


class Metrics(unittest.TestCase):
    def test_parses_and_agrees_with_the_chain(self):
        with ChainsimNode(["--pow-bits", "8"]) as node:
            for _ in range(3):
                fetch(node.url + "/mine")
            content_type, text = fetch(node.url + "/metrics")
            self.assertTrue(content_type.startswith("text/plain"), content_type)
            families = {f.name: f for f in text_string_to_metric_families(text)}
            chain = json.loads(fetch(node.url + "/chain")[1])

            height = families["chainsim_height"]
            self.assertEqual(height.type, "gauge")
            self.assertEqual(height.samples[0].value, chain["length"] - 1)
            self.assertEqual(height.samples[0].value, chain["chain"][-1]["height"])
            # Counters: the parser drops the _total suffix from the family's name.
            self.assertEqual(families["chainsim_blocks_mined"].type, "counter")
            self.assertEqual(families["chainsim_blocks_mined"].samples[0].value, 3)
            codes = {s.labels["code"]: s.value for s in families["chainsim_http_responses"].samples}
            self.assertGreaterEqual(codes["200"], 3)
            for name in ("chainsim_blocks_known", "chainsim_orphans", "chainsim_mempool_transactions",
                         "chainsim_peers", "chainsim_max_reorg_depth", "chainsim_reorgs",
                         "chainsim_hashes", "chainsim_store_commits"):
                self.assertIn(name, families)
            self.assertGreater(families["chainsim_hashes"].samples[0].value, 0)


if __name__ == "__main__":
    unittest.main()
