"""The suite's arithmetic: percentiles, ratios, per-1,000 costs, /proc parsing and the table."""

import json
import math
from pathlib import Path

import pytest

from bench.processes import Window, parse_stat_cpu_s, parse_status_peak_rss
from bench.report import (
    MIB,
    Measurement,
    ProcessCost,
    Row,
    costs,
    document,
    percentile,
    ratio,
    table,
    write_json,
)

pytestmark = pytest.mark.unit


def test_percentiles_interpolate_between_the_closest_ranks() -> None:
    values = [float(v) for v in range(1, 101)]  # 1..100
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 99) == pytest.approx(99.01)
    assert percentile(values, 0) == 1
    assert percentile(values, 100) == 100
    assert percentile([7.0], 99) == 7.0
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0  # order of arrival does not matter


def test_a_percentile_of_nothing_is_not_a_number_rather_than_zero() -> None:
    assert math.isnan(percentile([], 50))


def test_the_ratio_is_ours_over_the_baseline_and_undefined_without_a_baseline() -> None:
    assert ratio(250.0, 1000.0) == 0.25
    assert math.isnan(ratio(250.0, 0.0))


def _measurement(items: int, seconds: float) -> Measurement:
    return Measurement(items, seconds, [10.0, 20.0, 30.0], {"intake": ProcessCost(1.5, 80.0)})


def test_a_row_compares_throughputs_and_the_table_shows_both_sides() -> None:
    row = Row("HTTP submission", "app", _measurement(1000, 2.0), "raw", _measurement(1000, 0.5))
    assert row.ours.throughput == 500
    assert row.baseline.throughput == 2000
    assert row.ratio == 0.25
    text = table([row])
    assert "HTTP submission" in text
    assert "0.25" in text
    assert "intake 1.50 s/80 MiB" in text


def test_cpu_is_counted_per_thousand_applications_and_rss_in_mebibytes() -> None:
    window = Window({})
    window.cpu_s, window.peak_rss_bytes = {"scoring": 3.0}, {"scoring": 120 * MIB}
    assert costs(window, 10_000) == {"scoring": ProcessCost(cpu_s_per_1k=0.3, peak_rss_mib=120.0)}


def test_proc_stat_cpu_is_utime_plus_stime_even_with_a_parenthesis_in_the_name() -> None:
    fields = ["S"] + ["0"] * 10 + ["250", "150"] + ["0"] * 30  # utime, stime: fields 14, 15
    assert parse_stat_cpu_s(f"4242 (python (x)) {' '.join(fields)}", ticks_per_s=100) == 4.0


def test_peak_rss_is_the_high_water_mark_of_proc_status() -> None:
    status = "Name:\tpython\nVmPeak:\t 900000 kB\nVmHWM:\t   51200 kB\nVmRSS:\t 40000 kB\n"
    assert parse_status_peak_rss(status) == 50 * MIB
    with pytest.raises(ValueError, match="VmHWM"):
        parse_status_peak_rss("Name:\tpython\n")


def test_a_path_with_nothing_measured_is_written_as_null_not_as_nan(tmp_path: Path) -> None:
    empty = Measurement(0, 0.0, [], {})
    row = Row("close -> all published", "event", empty, "raw", _measurement(10, 1.0))
    out = tmp_path / "r.json"
    write_json(out, document([row], {"size": "1k"}))
    written = json.loads(out.read_text())
    assert written["size"] == "1k"
    assert written["paths"][0]["ours"]["p50_ms"] is None
    assert written["paths"][0]["ratio"] is None
