"""The benchmark: answer latency against base size, a plain rapidfuzz reference, cold start,
memory and CLI throughput, in one command.

    python -m bench            # a few minutes; --quick for a small run

Each base size is measured in a fresh process (`bench.worker`), so its peak RSS is its own.
The results go to bench/out/: results.md (the table, also printed), results.json and
latency.png.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
VALIDATION = ROOT / "tests" / "data" / "validation-questions.jsonl"
QUESTION_SETS = sorted((ROOT / "tests" / "data").glob("*.jsonl"))
QUESTION = "who took the aleppo airport"


@dataclass(frozen=True)
class Size:
    label: str
    synthetic: int
    questions: int  # asked of the bot
    check: int  # of those, also answered by the exact path and compared
    reference: int  # asked of the reference (about 1 s each at 100,000 facts)


FULL = [
    Size("shipped", 0, 390, 390, 390),
    Size("1k", 1_000, 390, 200, 390),
    Size("10k", 10_000, 390, 40, 100),
    Size("100k", 100_000, 390, 10, 30),
]
QUICK = [
    Size("shipped", 0, 200, 50, 200),
    Size("1k", 1_000, 200, 20, 100),
    Size("10k", 10_000, 200, 0, 20),
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_worker(*args: str) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, "-m", "bench.worker", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(completed.stdout)
    return result


def machine() -> dict[str, Any]:
    def first(path: str, key: str) -> str:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return "unknown"

    import rapidfuzz

    import bot.matcher

    memory_kb = first("/proc/meminfo", "MemTotal").split()[0]
    return {
        "cpu": first("/proc/cpuinfo", "model name"),
        "cores": os.cpu_count(),
        "ram_gb": round(int(memory_kb) / 1024**2, 1) if memory_kb.isdigit() else None,
        "python": platform.python_version(),
        "rapidfuzz": rapidfuzz.__version__,
        # The matcher compiled with mypyc (setup.py), or run from its Python sources.
        "matcher": "compiled" if bot.matcher.COMPILED else "Python",
        "system": f"{platform.system()} {platform.release()}",
        "load_average": os.getloadavg(),
    }


# An installed bot starts from bytecode (pip compiles it; an editable install writes it
# on first use). PYTHONDONTWRITEBYTECODE in the caller's environment would have every
# timed start compile the whole package again, which no user's start does.
STARTUP_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(command: Sequence[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, capture_output=True, check=True, env=STARTUP_ENV)
    return time.perf_counter() - started


def cold_start(runs: int, db: Path) -> dict[str, Any]:
    ask = [sys.executable, "-m", "bot", "--db", str(db), "ask", QUESTION]
    bare = [sys.executable, "-c", "pass"]
    timed(ask)  # creates and seeds the database, and writes the bytecode
    asks, bares = [], []
    for _ in range(runs):
        bares.append(timed(bare))
        asks.append(timed(ask))
    traced = subprocess.run(
        [sys.executable, "-X", "importtime", *ask[1:]], cwd=ROOT, capture_output=True, text=True
    )
    modules = {line.rsplit("|", 1)[-1].strip() for line in traced.stderr.splitlines()}
    return {
        "ask_s": statistics.median(asks),
        "python_s": statistics.median(bares),
        "extra_s": statistics.median(asks) - statistics.median(bares),
        "runs": runs,
        "imports_discord": any(m == "discord" or m.startswith("discord.") for m in modules),
        # sqlite-utils imports numpy whenever it is installed (the bench extra brings it
        # with matplotlib); a plain install of the bot has none.
        "imports_numpy": any(m == "numpy" or m.startswith("numpy.") for m in modules),
    }


def distinct_questions() -> list[str]:
    """Every question of every shipped question set, each once, on one line."""
    found: dict[str, None] = {}
    for path in QUESTION_SETS:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                found[" ".join(json.loads(line)["q"].split())] = None
    return list(found)


def throughput(count: int | None, db: Path, runs: int = 3) -> dict[str, Any]:
    """`ask --json -` over every distinct question once (count None), or over `count`
    questions cycling through the validation set: the index keeps what a question came
    to, so most of those are look-ups.

    The bot answers each line as it comes and flushes it, so the time of each answer is
    read off the pipe: the rate once started (first answer to last) is apart from the
    start-up (to the first answer), which the cold start measures on its own. The median
    run of `runs` is kept, on a database made and seeded beforehand.
    """
    if count is None:
        asked = distinct_questions()
    else:
        lines = VALIDATION.read_text(encoding="utf-8").splitlines()
        validation = [json.loads(line)["q"] for line in lines if line.strip()]
        asked = list(itertools.islice(itertools.cycle(validation), count))
    count = len(asked)
    command = [sys.executable, "-m", "bot", "--db", str(db), "ask", "--json", "-"]
    timed([*command[:-2], QUESTION])  # creates and seeds the database
    with tempfile.TemporaryFile("w+", encoding="utf-8") as stdin:
        stdin.write("\n".join(asked) + "\n")
        measured = [_stream(command, stdin, count) for _ in range(runs)]
    measured.sort(key=lambda run: run["steady_per_second"])
    return measured[len(measured) // 2]


def _stream(command: Sequence[str], stdin: Any, count: int) -> dict[str, Any]:
    stdin.seek(0)
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, stdin=stdin, stdout=subprocess.PIPE, env=STARTUP_ENV, encoding="utf-8"
    )
    assert process.stdout is not None
    answers, first, last = [], 0.0, 0.0
    for line in process.stdout:
        last = time.perf_counter()
        first = first or last
        answers.append(json.loads(line))
    if process.wait() != 0:
        raise RuntimeError(f"{' '.join(command)} exited with {process.returncode}")
    seconds = time.perf_counter() - started
    assert len(answers) == count, f"{len(answers)} answers to {count} questions"
    return {
        "questions": count,
        "seconds": seconds,
        "first_answer_s": first - started,
        "per_second": count / seconds,
        "steady_per_second": (count - 1) / (last - first) if last > first else 0.0,
        # Each of these was also logged to SQLite as unanswered, 200 to a commit.
        "unanswered": sum(not a["answered"] and not a["suggestions"] for a in answers),
    }


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    by_label = {row["label"]: row for row in results["sizes"]}
    rows: list[dict[str, Any]] = []

    def add(name: str, goal: str, value: float | None, unit: str, met: bool | None) -> None:
        shown = "not measured" if value is None else f"{value:,.2f} {unit}".strip()
        rows.append({"target": name, "goal": goal, "measured": shown, "met": met})

    for label, limit in (("10k", 5.0), ("100k", 25.0)):
        row = by_label.get(label)
        p99 = row["bot"]["p99_ms"] if row else None
        add(
            f"p99 at {label} facts",
            f"≤ {limit:g} ms",
            p99,
            "ms",
            None if p99 is None else p99 <= limit,
        )
    ratios = [
        min(row["speedup_p50"], row["speedup_p99"])
        for row in results["sizes"]
        if row["synthetic"] >= 10_000
    ]
    worst = min(ratios) if ratios else None
    add(
        "faster than the reference, ≥ 10k facts",
        "≥ 10×",
        worst,
        "×",
        None if worst is None else worst >= 10,
    )
    start = results["cold_start"]
    add(
        "cold start of ask, over python -c pass",
        "≤ 0.5 s, no discord",
        start["extra_s"],
        "s",
        start["extra_s"] <= 0.5 and not start["imports_discord"],
    )
    row = by_label.get("100k")
    rss = row["bot"]["peak_rss_mb"] if row else None
    add("peak RSS at 100k facts", "≤ 300 MB", rss, "MB", None if rss is None else rss <= 300)
    rate = results["throughput"]["steady_per_second"]
    add(
        "ask --json - throughput once started, each question new",
        "≥ 2,000 q/s",
        rate,
        "q/s",
        rate >= 2_000,
    )
    return rows


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    load = ", ".join(f"{x:.2f}" for x in m["load_average"])
    lines = [
        f"Measured {results['date']} on {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, "
        f"{m['system']}, Python {m['python']}, rapidfuzz {m['rapidfuzz']}, "
        f"matcher {m.get('matcher', 'Python')} "
        f"(load average at start {load}).",
        "",
        "| Base | Facts | Build (s) | p50 (ms) | p99 (ms) | Reference p50 (ms) "
        "| Reference p99 (ms) | Speed-up p50 / p99 | Proven exact | Agrees with exact "
        "| Peak RSS (MB) | Add / edit / remove a fact (ms) |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for row in results["sizes"]:
        bot, ref, update = row["bot"], row["reference"], row["bot"]["update_ms"]
        proven = 1 - bot["capped"] / bot["questions"]
        agree = f"{bot['agree']}/{bot['checked']}" if bot["checked"] else "not checked"
        lines.append(
            f"| {row['label']} | {bot['facts']:,} | {bot['build_s']:.1f} | {bot['p50_ms']:.2f} "
            f"| {bot['p99_ms']:.2f} | {ref['p50_ms']:.2f} | {ref['p99_ms']:.2f} "
            f"| {row['speedup_p50']:.0f}× / {row['speedup_p99']:.0f}× | {proven:.0%} "
            f"| {agree} | {bot['peak_rss_mb']:.0f} "
            f"| {update['add']:.2f} / {update['edit']:.2f} / {update['remove']:.2f} |"
        )
    start, rate = results["cold_start"], results["throughput"]
    repeated = results["throughput_repeated"]
    lines += [
        "",
        f"Cold start (median of {start['runs']}): `python -m bot ask` {start['ask_s']:.3f} s, "
        f"`python -c pass` {start['python_s']:.3f} s, so {start['extra_s']:.3f} s more; "
        f"discord imported: {'yes' if start['imports_discord'] else 'no'}; numpy imported "
        f"(by sqlite-utils, when installed): {'yes' if start.get('imports_numpy') else 'no'}.",
        "",
        f"Throughput: `python -m bot ask --json -` answered {rate['questions']:,} distinct "
        f"questions at {rate['steady_per_second']:,.0f} questions/s once started (the first "
        f"answer came {rate['first_answer_s']:.2f} s after launch; {rate['per_second']:,.0f} "
        f"questions/s start-up included; {rate['unanswered']:,} of them unanswered, logged "
        f"to SQLite); {repeated['questions']:,} questions cycling through the validation "
        f"set, so mostly asked before: {repeated['steady_per_second']:,.0f} questions/s once "
        f"started (median of 3 runs each).",
        "",
        "| Target | Goal | Measured | Met |",
        "|---|---|---|---|",
    ]
    for row in results["targets"]:
        met = {True: "yes", False: "**no**", None: "not measured"}[row["met"]]
        lines.append(f"| {row['target']} | {row['goal']} | {row['measured']} | {met} |")
    return "\n".join(lines) + "\n"


def plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = results["sizes"]
    facts = [row["bot"]["facts"] for row in rows]
    figure, axes = plt.subplots(figsize=(7, 4.5))
    for who, style in (("bot", "-"), ("reference", "--")):
        name = "factbot index" if who == "bot" else "plain extractOne (token_set_ratio)"
        for stat, marker in (("p50_ms", "o"), ("p99_ms", "^")):
            values = [row[who][stat] for row in rows]
            label = f"{name}, {stat[:3]}"
            axes.plot(facts, values, style, marker=marker, label=label)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("facts in the base (7 phrasings each)")
    axes.set_ylabel("answer latency (ms)")
    axes.set_title("Answer latency against base size")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=150)
    plt.close(figure)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="factbot benchmark")
    parser.add_argument("--quick", action="store_true", help="small sizes, a minute or so")
    parser.add_argument("--out", type=Path, default=OUT, help="where results go")
    args = parser.parse_args(argv)
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        sys.exit("The plot needs matplotlib: pip install -e '.[bench]'")
    started = time.perf_counter()
    results: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": machine(),
        "quick": args.quick,
        "sizes": [],
    }
    for size in QUICK if args.quick else FULL:
        log(f"{size.label}: the bot on {size.questions} questions...")
        bot = run_worker(
            "bot",
            f"--size={size.synthetic}",
            f"--questions={size.questions}",
            f"--check={size.check}",
        )
        log(f"{size.label}: the reference on {size.reference} questions...")
        reference = run_worker(
            "reference", f"--size={size.synthetic}", f"--questions={size.reference}"
        )
        results["sizes"].append(
            {
                "label": size.label,
                "synthetic": size.synthetic,
                "bot": bot,
                "reference": reference,
                "speedup_p50": reference["p50_ms"] / bot["p50_ms"],
                "speedup_p99": reference["p99_ms"] / bot["p99_ms"],
            }
        )
    with tempfile.TemporaryDirectory() as folder:
        log("cold start...")
        results["cold_start"] = cold_start(3 if args.quick else 10, Path(folder) / "start.db")
        log("throughput...")
        results["throughput"] = throughput(None, Path(folder) / "tp.db")
        results["throughput_repeated"] = throughput(
            2_000 if args.quick else 10_000, Path(folder) / "tp-repeated.db"
        )
    results["targets"] = targets(results)
    results["seconds"] = time.perf_counter() - started
    args.out.mkdir(parents=True, exist_ok=True)
    table = markdown(results)
    (args.out / "results.md").write_text(table, encoding="utf-8")
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    plot(results, args.out / "latency.png")
    print(table)
    log(f"done in {results['seconds']:.0f} s; results in {args.out}")
