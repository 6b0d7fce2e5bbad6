"""The suite's arithmetic and output: one row per path, ours beside its raw baseline, as a
printed table, a JSON file and a PNG chart."""

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.processes import Window

MIB = 1024 * 1024


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), linear between the closest ranks; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def ratio(ours: float, baseline: float) -> float:
    """Ours as a fraction of the baseline (1.0: as fast); NaN when the baseline did nothing."""
    return ours / baseline if baseline > 0 else math.nan


@dataclass(frozen=True)
class ProcessCost:
    cpu_s_per_1k: float  # CPU seconds per 1,000 applications
    peak_rss_mib: float


def costs(window: Window, applications: int) -> dict[str, ProcessCost]:
    return {
        name: ProcessCost(
            cpu_s_per_1k=window.cpu_s[name] * 1000 / applications,
            peak_rss_mib=window.peak_rss_bytes[name] / MIB,
        )
        for name in window.cpu_s
    }


@dataclass(frozen=True)
class Measurement:
    items: int  # what `throughput` counts: applications, e-mails or events
    seconds: float
    latencies_ms: list[float] = field(repr=False)
    processes: dict[str, ProcessCost]

    @property
    def throughput(self) -> float:
        return self.items / self.seconds if self.seconds > 0 else math.nan

    @property
    def p50_ms(self) -> float:
        return percentile(self.latencies_ms, 50)

    @property
    def p99_ms(self) -> float:
        return percentile(self.latencies_ms, 99)

    @property
    def once(self) -> bool:
        """One latency only (a rebuild's duration): its percentiles are that one figure."""
        return len(self.latencies_ms) == 1

    def summary(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "seconds": self.seconds,
            "throughput_per_s": self.throughput,
            "p50_ms": self.p50_ms,
            "p99_ms": self.p99_ms,
            "latency_samples": len(self.latencies_ms),
            "processes": {name: asdict(cost) for name, cost in self.processes.items()},
        }


@dataclass(frozen=True)
class Row:
    path: str
    unit: str  # what one item of the throughput is
    ours: Measurement
    baseline_name: str
    baseline: Measurement
    note: str = ""  # printed under the row and written beside it: what the figures cover

    @property
    def ratio(self) -> float:
        return ratio(self.ours.throughput, self.baseline.throughput)


def _processes(cost: dict[str, ProcessCost]) -> str:
    return ", ".join(
        f"{name} {c.cpu_s_per_1k:.2f} s/{c.peak_rss_mib:.0f} MiB" for name, c in cost.items()
    )


def table(rows: Sequence[Row]) -> str:
    """The rows as text: throughput, ratio to the baseline, p50/p99 (a single latency once,
    under p50), then each process's CPU seconds per 1,000 applications and its peak RSS, and
    the row's note."""
    head = f"{'path':<22} {'':<9} {'throughput':>16} {'ratio':>6} {'p50 ms':>9} {'p99 ms':>9}"
    lines = [head, "-" * len(head)]
    for row in rows:
        for label, m, share in (
            ("ours", row.ours, f"{row.ratio:>6.2f}"),
            ("baseline", row.baseline, f"{'':>6}"),
        ):
            name = row.path if label == "ours" else f"  {row.baseline_name}"
            p99 = f"{'(1 run)':>9}" if m.once else f"{m.p99_ms:>9,.1f}"
            lines.append(
                f"{name:<22} {label:<9} {m.throughput:>9,.0f} {row.unit + '/s':<6} {share}"
                f" {m.p50_ms:>9,.1f} {p99}"
            )
            lines.append(f"{'':<22} {'':<9} cpu/1k apps, peak RSS: {_processes(m.processes)}")
        if row.note:
            lines.append(f"{'':<22} {'':<9} {row.note}")
    return "\n".join(lines)


def document(rows: Sequence[Row], meta: dict[str, Any]) -> dict[str, Any]:
    return {
        **meta,
        "paths": [
            {
                "path": row.path,
                "unit": row.unit,
                "ratio": row.ratio,
                **({"note": row.note} if row.note else {}),
                "ours": row.ours.summary(),
                "baseline": {"name": row.baseline_name, **row.baseline.summary()},
            }
            for row in rows
        ],
    }


def write_json(path: Path, doc: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # NaN is not JSON: a path with nothing to measure is written as null.
    clean = json.loads(json.dumps(doc), parse_constant=lambda _: None)
    path.write_text(json.dumps(clean, indent=2, allow_nan=False) + "\n")


def write_chart(path: Path, rows: Sequence[Row], title: str) -> None:
    """Throughput (as a share of the baseline) and p99 latency per path, ours beside baseline."""
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    names = [row.path for row in rows]
    x = range(len(rows))
    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    left.bar(x, [row.ratio for row in rows], color="tab:blue")
    left.axhline(1.0, color="grey", linestyle="--", linewidth=1)
    left.set_xticks(list(x), names, rotation=15)
    left.set_ylabel("throughput / raw baseline")
    left.set_title("throughput against the baseline")
    width = 0.4
    right.bar([i - width / 2 for i in x], [r.ours.p99_ms for r in rows], width, label="ours")
    right.bar(
        [i + width / 2 for i in x], [r.baseline.p99_ms for r in rows], width, label="baseline"
    )
    right.set_xticks(list(x), names, rotation=15)
    right.set_yscale("log")
    right.set_ylabel("p99 latency, ms (log)")
    once = " (a row of one run: its duration)" if any(r.ours.once for r in rows) else ""
    right.set_title(f"p99 latency{once}")
    right.legend()
    figure.suptitle(title)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
