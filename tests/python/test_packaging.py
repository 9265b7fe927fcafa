"""The Makefile, Dockerfile, compose.yaml and CI workflow: parsed, and checked to call the
repo's own scripts (no image is built here: this machine has no working container
builder; the GitHub workflow builds and runs it)."""

import os
import re
import subprocess
import unittest

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


class Dockerfile(unittest.TestCase):
    def setUp(self):
        # Instructions with their continuation lines joined, comments dropped.
        text = re.sub(r"\\\n", " ", read("Dockerfile"))
        self.lines = [l.strip() for l in text.splitlines() if l.strip() and not l.startswith("#")]

    def test_multi_stage_debian_12_non_root(self):
        stages = [l for l in self.lines if l.startswith("FROM ")]
        self.assertEqual(len(stages), 2, stages)
        self.assertTrue(all(re.match(r"FROM debian:12(-slim)?\b", s) for s in stages), stages)
        users = [l for l in self.lines if l.startswith("USER ")]
        self.assertEqual(users, ["USER chainsim"])
        self.assertIn("COPY --from=build /src/build/chainsim /usr/local/bin/chainsim", self.lines)

    def test_the_build_stage_runs_the_repo_scripts(self):
        build = self.lines[:[i for i, l in enumerate(self.lines) if l.startswith("FROM ")][1]]
        runs = [l[4:] for l in build if l.startswith("RUN ")]
        self.assertEqual(runs, ["CHAINSIM_BUILD_ONLY=1 scripts/bootstrap"])
        self.assertTrue(os.access(os.path.join(ROOT, "scripts", "bootstrap"), os.X_OK))
        self.assertIn("CHAINSIM_BUILD_ONLY", read("scripts/bootstrap"))

    def test_the_runtime_libraries_are_the_binarys(self):
        # The packages of the final stage provide what the binary links (per ldd here).
        binary = os.environ.get("CHAINSIM_BINARY")
        if not binary or not os.path.exists(binary):
            self.skipTest("no chainsim binary")
        ldd = subprocess.run(["ldd", binary], capture_output=True, text=True).stdout
        needed = {m.group(1) for m in re.finditer(r"^\s*(lib[\w+-]+)\.so", ldd, re.M)}
        # A build that found OpenMPI links it for `sweep --mpi`; the image's build stage
        # (CHAINSIM_BUILD_ONLY=1) installs no MPI, so its binary links none of these.
        if "libmpi" in needed:
            needed -= {"libmpi", "libopen-rte", "libopen-pal", "libhwloc", "libudev",
                       "libevent_core", "libevent_pthreads", "libevent", "libltdl"}
        runtime = " ".join(l for l in self.lines if "apt-get install" in l)
        provided = {"libssl3": {"libssl", "libcrypto"}, "libsecp256k1-1": {"libsecp256k1"},
                    "libyaml-cpp0.7": {"libyaml-cpp"}, "libsqlite3-0": {"libsqlite3"}}
        base = {"libc", "libm", "libstdc++", "libgcc_s", "libz", "libpthread", "libdl"}
        covered = set(base)
        for package, libs in provided.items():
            if package in runtime:
                covered |= libs
        self.assertEqual(needed - covered, set(), ldd)


class Compose(unittest.TestCase):
    def test_three_nodes_on_5000_to_5002_register_with_each_other(self):
        compose = yaml.safe_load(read("compose.yaml"))
        services = compose["services"]
        self.assertEqual(len(services), 3)
        ports = {}
        for name, service in services.items():
            command = service["command"]
            self.assertEqual(command[0], "node")
            flags = dict(zip(command[1::2], command[2::2]))
            port = int(flags["--port"])
            self.assertEqual(service["ports"], [f"{port}:{port}"])
            self.assertEqual(flags["--url"], f"http://{name}:{port}")
            self.assertEqual(flags["--host"], "0.0.0.0")
            ports[name] = port
        self.assertEqual(sorted(ports.values()), [5000, 5001, 5002])
        for name, service in services.items():
            command = service["command"]
            peers = {command[i + 1] for i, f in enumerate(command) if f == "--peer"}
            others = {f"{n}:{p}" for n, p in ports.items() if n != name}
            self.assertEqual(peers, others, name)
            # One network, one genesis: every node has the same genesis flags.
            self.assertEqual(command[command.index("--demo-wallets") + 1], "3")
        self.assertTrue(any("build" in s for s in services.values()))


class MakeAndCi(unittest.TestCase):
    def test_make_targets_call_the_scripts(self):
        out = subprocess.run(["make", "-n", "-C", ROOT, "run", "node1", "node2", "test", "dashboard",
                              "clean"], capture_output=True, text=True)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("scripts/chainsim node --port 5000", out.stdout)
        self.assertIn("scripts/chainsim node --port 5001 --pow-bits 16 --demo-wallets 3 --peer 127.0.0.1:5002",
                      out.stdout)
        self.assertIn("--port 5002", out.stdout)
        self.assertIn("scripts/test", out.stdout)
        self.assertIn("scripts/build-dashboard", out.stdout)
        self.assertIn("rm -rf build runs", out.stdout)
        self.assertIn("docker:", read("Makefile"))

    def test_the_workflow_runs_scripts_test(self):
        workflow = yaml.safe_load(read(".github/workflows/ci.yml"))
        steps = workflow["jobs"]["test"]["steps"]
        self.assertIn("scripts/test", [s.get("run") for s in steps])
        self.assertEqual(workflow["jobs"]["test"]["container"], "debian:12")


if __name__ == "__main__":
    unittest.main()
