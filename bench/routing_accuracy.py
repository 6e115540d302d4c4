"""Routing accuracy and speed over the labelled complaint sets.

    python -m bench.routing_accuracy [--seed-size N]

For the corpus (written before the rules) and the holdout (written after them, never used for tuning):
agency accuracy among labelled complaints, triage rate, wrong-route rate (routed to an agency other than the
expected one, or routed at all when the complaint is ambiguous), category accuracy, and a per-agency confusion
table. Then the time per complaint: a cold pass on a fresh router, a warm pass, and a seed-like run of N
complaints recombined from the sets with varying house and RT numbers.
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sambat_tui.domain.reference import load_reference
from sambat_tui.domain.routing import Router

DATA = Path(__file__).resolve().parents[1] / "tests" / "unit" / "data"
SETS = ("routing_corpus.csv", "routing_holdout.csv")
AMBIGUOUS = "(ambiguous)"
TRIAGE = "triage"


@dataclass
class Report:
    total: int = 0
    labelled: int = 0
    correct: int = 0
    wrong: int = 0
    triage: int = 0
    category_checked: int = 0
    category_correct: int = 0
    confusion: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    wrong_rows: list[str] = field(default_factory=list)


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def evaluate(router: Router, rows: list[dict[str, str]]) -> Report:
    report = Report(total=len(rows))
    for row in rows:
        decision = router.route(
            title=row["title"], description=row["description"], kecamatan=row["kecamatan"] or None
        )
        expected = row["expected_agency"] or None
        got = decision.agency_id
        report.labelled += expected is not None
        report.confusion[expected or AMBIGUOUS][got or TRIAGE] += 1
        if got is None:
            report.triage += 1
        elif got == expected:
            report.correct += 1
            if row["expected_category"]:
                report.category_checked += 1
                report.category_correct += decision.category_code == row["expected_category"]
        else:
            report.wrong += 1
            report.wrong_rows.append(
                f"{row['id']} expected {expected or AMBIGUOUS} got {got}: {row['title']}"
            )
    return report


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f} %" if whole else "   n/a"


def print_report(name: str, report: Report) -> None:
    print(f"\n== {name}: {report.total} complaints, {report.labelled} with an expected agency")
    print(f"agency accuracy (labelled)   {_pct(report.correct, report.labelled)}")
    print(f"triage rate (all)            {_pct(report.triage, report.total)}")
    print(f"wrong-route rate (all)       {_pct(report.wrong, report.total)}")
    print(f"category accuracy            {_pct(report.category_correct, report.category_checked)}")
    print(f"\n{'expected':<16}{'n':>4}{'right':>7}{'triage':>8}  wrongly routed to")
    for expected in sorted(report.confusion, key=lambda e: (e == AMBIGUOUS, e)):
        outcomes = report.confusion[expected]
        n = sum(outcomes.values())
        right = outcomes[expected] if expected != AMBIGUOUS else 0
        wrong = ", ".join(
            f"{agency} {count}"
            for agency, count in sorted(outcomes.items())
            if agency not in (expected, TRIAGE)
        )
        print(f"{expected:<16}{n:>4}{right:>7}{outcomes[TRIAGE]:>8}  {wrong}")
    for line in report.wrong_rows:
        print(f"  wrong: {line}")


def _seed_like(rows: list[dict[str, str]], size: int) -> list[tuple[str, str, str | None]]:
    """Complaints recombined from the sets, with numbers that vary the way addresses do."""
    pick = random.Random(20260101)
    out = []
    for _ in range(size):
        a, b = pick.choice(rows), pick.choice(rows)
        description = (
            f"{b['description']} rt {pick.randint(1, 15)} rw {pick.randint(1, 12)} no {pick.randint(1, 300)}"
        )
        out.append((a["title"], description, a["kecamatan"] or None))
    return out


def print_timing(rows: list[dict[str, str]], seed_size: int) -> None:
    reference = load_reference()
    started = time.perf_counter()
    router = Router.load(reference=reference)
    load_ms = (time.perf_counter() - started) * 1000
    texts = [(r["title"], r["description"], r["kecamatan"] or None) for r in rows]

    def run(items: list[tuple[str, str, str | None]]) -> float:
        began = time.perf_counter()
        for title, description, kecamatan in items:
            router.route(title=title, description=description, kecamatan=kecamatan)
        return (time.perf_counter() - began) / len(items) * 1e6

    cold = run(texts)
    warm = min(run(texts) for _ in range(5))
    seed = _seed_like(rows, seed_size)
    seed_us = run(seed)
    print(f"\n== speed ({len(texts)} labelled complaints; seed-like run of {seed_size})")
    print(f"router load (rules + reference + typo index)  {load_ms:8.1f} ms")
    print(f"route, cold caches                            {cold:8.1f} us/complaint")
    print(f"route, warm caches (best of 5)                {warm:8.1f} us/complaint")
    print(f"route, seed-like mix                          {seed_us:8.1f} us/complaint")
    print(f"  -> a seed of 1,000,000 complaints spends about {seed_us:.0f} s routing")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--seed-size", type=int, default=50_000, help="complaints in the seed-like timing run"
    )
    args = parser.parse_args()
    router = Router.load()
    all_rows: list[dict[str, str]] = []
    for name in SETS:
        rows = _rows(name)
        all_rows.extend(rows)
        print_report(name, evaluate(router, rows))
    print_timing(all_rows, args.seed_size)


if __name__ == "__main__":
    main()
