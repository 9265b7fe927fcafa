#!/usr/bin/python3
"""Unit tests of reports/plot.py's drawing decisions (run by plot_script_test.cpp).

The pure parts (fault intervals, label grouping, legend text) need no matplotlib; the axis
tests are skipped without it.
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.environ.get("CHAINSIM_SOURCE_DIR", "."), "reports"))
import plot  # noqa: E402

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    plot.plt = plt
    HAVE_MATPLOTLIB = True
except ImportError:
    HAVE_MATPLOTLIB = False


def event(t, kind, description):
    return {"t_s": t, "kind": kind, "description": description}


class FaultSpans(unittest.TestCase):
    def test_latency_event_is_an_interval_with_its_value(self):
        spans, _ = plot.fault_spans([event(600, "latency", "latency constant 2s"),
                                     event(1800, "latency", "latency constant 50ms")], 3600)
        self.assertEqual(spans, [(600, 1800, "latency", "latency constant 2s"),
                                 (1800, 3600, "latency", "latency constant 50ms")])

    def test_a_cut_link_is_a_strip_not_a_full_band(self):
        spans, _ = plot.fault_spans([event(100, "cut", "cut 3-4"),
                                     event(200, "restore", "restore 3-4")], 300)
        self.assertEqual(spans, [(100, 200, "cut", "cut 3-4")])
        style = plot.FAULT_STYLE["cut"]
        self.assertLess(style["ymax"] - style["ymin"], 0.2)
        for kind in ("partition", "crash"):
            self.assertEqual(plot.FAULT_STYLE[kind]["ymax"] - plot.FAULT_STYLE[kind]["ymin"], 1.0)

    def test_every_fault_kind_has_its_own_style(self):
        colours = [plot.FAULT_STYLE[k]["colour"] for k in ("partition", "crash", "cut", "latency")]
        self.assertEqual(len(set(colours)), 4)


class Labels(unittest.TestCase):
    def test_labels_at_the_same_time_are_joined(self):
        groups = plot.label_groups([(600, "partition 0-4 | 5-9"), (600, "crash 7"),
                                    (601, "cut 1-2"), (1800, "heal all")], 3600)
        self.assertEqual(groups, [(600, "partition 0-4 | 5-9; crash 7; cut 1-2"),
                                  (1800, "heal all")])

    def test_labels_far_apart_stay_apart(self):
        groups = plot.label_groups([(0, "a"), (1000, "b"), (2000, "c")], 3000)
        self.assertEqual(len(groups), 3)

    def test_convergence_legend_names_the_events(self):
        self.assertEqual(plot.convergence_label([{"event": "restore 3-4"}]),
                         "converged after restore")
        self.assertEqual(plot.convergence_label([{"event": "heal all"},
                                                 {"event": "restart 3"},
                                                 {"event": "heal all"}]),
                         "converged after heal/restart")


class Propagation(unittest.TestCase):
    def test_t90_stays_visible_under_t100(self):
        t90, t100 = plot.QUANTILE_STYLES["t90"], plot.QUANTILE_STYLES["t100"]
        self.assertNotEqual(t90["ls"], t100["ls"])
        self.assertGreater(t90["lw"], t100["lw"])
        self.assertGreater(t100["zorder"], t90["zorder"])

    @unittest.skipUnless(HAVE_MATPLOTLIB, "matplotlib is not installed")
    def test_a_log_axis_under_two_decades_has_several_labels(self):
        for lo, hi in ((800.0, 6000.0), (1100.0, 1900.0), (3.0, 250.0)):
            fig, ax = plt.subplots()
            ax.step([lo, hi], [0.5, 1.0])
            plot.log_axis(ax)
            fig.canvas.draw()
            lo_view, hi_view = ax.get_xlim()
            labels = [t.get_text() for t in ax.get_xticklabels()
                      if t.get_text() and lo_view <= t.get_position()[0] <= hi_view]
            self.assertGreaterEqual(len(labels), 3, f"{lo}..{hi}: {labels}")
            plt.close(fig)


if __name__ == "__main__":
    unittest.main()
