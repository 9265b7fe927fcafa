"""Starts a `chainsim node` process on a free loopback port for a test, and stops it."""

import os
import re
import subprocess
import time


class ChainsimNode:
    """A chainsim node process: `with ChainsimNode(["--pow-bits", "8"]) as node: node.url`."""

    def __init__(self, args=(), binary=None):
        self.binary = binary or os.environ.get("CHAINSIM_BINARY", "build/chainsim")
        self.args = ["node", "--port", "0", "--quiet", *args]
        self.process = None
        self.url = None
        self.lines = []

    def __enter__(self):
        self.process = subprocess.Popen([self.binary, *self.args], stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            self.lines.append(line)
            m = re.search(r"listening on (http://\S+)", line)
            if m:
                self.url = m.group(1)
                return self
        self.__exit__(None, None, None)
        raise RuntimeError("chainsim node did not start: " + "".join(self.lines))

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process and self.process.stdout:
            self.process.stdout.close()
        return False
