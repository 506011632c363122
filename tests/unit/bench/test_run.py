"""The benchmark's throughput measurement, on a short real run of `python -m bot`."""

from __future__ import annotations

from pathlib import Path

from bench.run import throughput


def test_throughput_tells_the_start_up_from_the_rate_once_started(tmp_path: Path) -> None:
    result = throughput(40, tmp_path / "bench.db", runs=1)
    assert result["questions"] == 40
    # The first answer comes after the start-up, the last one at the end.
    assert 0 < result["first_answer_s"] < result["seconds"]
    # Once started, answers come faster than the whole run's average.
    assert result["steady_per_second"] > result["per_second"] > 0
    assert 0 <= result["unanswered"] <= 40
