"""``make bench``: run every benchmark module in turn and print its table.

Each module also runs alone (``python -m bench.<name>``). ``BENCH_ONLY=a,b`` picks modules;
``BENCH_QUICK=1`` passes ``--quick`` to the modules that accept it (smaller sizes, for a smoke run).
"""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Cheap figures first, so a reader sees something before the million-row runs start.
ORDER = ("text_safety", "routing_accuracy", "store_bench", "central_bench", "sync_bench", "ui_bench")


def _modules() -> list[str]:
    found = {m.name for m in pkgutil.iter_modules([str(HERE)]) if not m.name.startswith("_")}
    only = {name for name in os.environ.get("BENCH_ONLY", "").split(",") if name}
    chosen = found & only if only else found
    return sorted(chosen, key=lambda name: (ORDER.index(name) if name in ORDER else len(ORDER), name))


def _accepts_quick(module: str) -> bool:
    return "--quick" in (HERE / f"{module}.py").read_text(encoding="utf-8")


def main() -> int:
    failures: list[str] = []
    for module in _modules():
        command = [sys.executable, "-m", f"bench.{module}"]
        if os.environ.get("BENCH_QUICK") and _accepts_quick(module):
            command.append("--quick")
        print(f"\n=== bench.{module} ===", flush=True)
        started = time.perf_counter()
        result = subprocess.run(command, check=False)
        elapsed = time.perf_counter() - started
        print(f"--- bench.{module}: {elapsed:.1f} s, exit {result.returncode}", flush=True)
        if result.returncode != 0:
            failures.append(module)
    if failures:
        print(f"\nfailed: {', '.join(failures)}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
