"""Time the test suite and its parts, in wall-clock seconds and in CPU seconds.

    python -m bench.suite_bench [--repeat 1] [--parts whole,no-postgresql,twins,rest]

Each part is one run of pytest with README's settings (offscreen Qt, the worker
processes ``pyproject.toml`` asks for), started afresh:

- ``whole``: every test, as README's test command runs them;
- ``no-postgresql``: every test whose name does not say postgresql (``-k "not
  postgresql"``): the suite without the PostgreSQL twins (and the few other tests named so);
- ``twins``: ``tests/domain`` and ``tests/services``, whose database tests run once on
  SQLite and once on PostgreSQL;
- ``rest``: every other folder (widgets, storage, command line, reports, start-up).

For each part it prints the median wall-clock seconds, the CPU seconds the tests'
own processes used (pytest, its workers and the programs they started), and, on
Linux, the CPU seconds the whole machine was busy meanwhile: that also counts the
PostgreSQL servers, which run apart from the tests' processes. The last line is the
most CPU time a run can have if it is to end within ``--target`` seconds on this
machine's cores. Run it on a quiet machine: other work moves every figure.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Each part: its name, what it is, and the arguments given to pytest.
PARTS: dict[str, tuple[str, list[str]]] = {
    "whole": ("every test (README's test command)", []),
    "no-postgresql": ("every test not named postgresql", ["-k", "not postgresql"]),
    "twins": (
        "tests/domain and tests/services, both engines",
        ["tests/domain", "tests/services"],
    ),
    "rest": (
        "every other folder",
        ["tests", "--ignore=tests/domain", "--ignore=tests/services"],
    ),
}


@dataclass
class Run:
    """One run of one part."""

    wall_s: float
    own_cpu_s: float
    machine_cpu_s: float | None
    summary: str


def machine_busy_s() -> float | None:
    """Seconds of CPU time the machine has spent busy since it started (Linux only)."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    ticks = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq + steal) / ticks


def children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_part(args: list[str]) -> Run:
    """Run pytest once with ``args`` and measure it; a failed run stops the bench."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args]
    busy_before, own_before = machine_busy_s(), children_cpu_s()
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    busy_after, own_after = machine_busy_s(), children_cpu_s()
    lines = done.stdout.strip().splitlines()
    last = re.sub(r"=+", "", lines[-1]).strip() if lines else "(no output)"
    # "2014 passed, 1 skipped, 8 warnings in 92.70s": the counts, without the time.
    summary = ", ".join(re.findall(r"\d+ (?:passed|failed|skipped|deselected|errors?)", last))
    if done.returncode != 0:
        sys.exit(f"pytest {' '.join(args)} failed: {last}")
    machine = None
    if busy_before is not None and busy_after is not None:
        machine = busy_after - busy_before
    return Run(wall, own_after - own_before, machine, summary)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs of each part (median)")
    parser.add_argument(
        "--parts",
        default=",".join(PARTS),
        help=f"comma-separated, from: {', '.join(PARTS)}",
    )
    parser.add_argument("--target", type=float, default=60.0, help="seconds for the whole run")
    options = parser.parse_args(argv)
    names = [name.strip() for name in options.parts.split(",") if name.strip()]
    unknown = [name for name in names if name not in PARTS]
    if unknown:
        parser.error(f"unknown part(s): {', '.join(unknown)}")

    cores = os.cpu_count() or 1
    print(f"{cores} cores; {options.repeat} run(s) of each part; medians.\n")
    print(f"| {'Part':<46} | {'Tests':<28} | Wall s | Own CPU s | Machine CPU s |")
    print(f"|{'-' * 48}|{'-' * 30}|--------|-----------|---------------|")
    for name in names:
        label, args = PARTS[name]
        runs = [run_part(args) for _ in range(options.repeat)]
        wall = statistics.median([r.wall_s for r in runs])
        own = statistics.median([r.own_cpu_s for r in runs])
        machines = [r.machine_cpu_s for r in runs if r.machine_cpu_s is not None]
        machine = f"{statistics.median(machines):13.1f}" if machines else f"{'n/a':>13}"
        print(
            f"| {label:<46} | {runs[-1].summary:<28} | {wall:6.1f} | {own:9.1f} | {machine} |",
            flush=True,
        )
    budget = cores * options.target
    print(f"\nWithin {options.target:.0f} s on {cores} cores: at most {budget:.0f} CPU seconds.")


if __name__ == "__main__":
    main()
