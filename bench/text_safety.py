"""How long the display sanitiser takes on big and hostile texts: ``python -m bench.text_safety``."""

from __future__ import annotations

import timeit

from sambat_tui.domain.text_safety import neutralise, one_line

SENTENCE = "Jalan berlubang di depan SDN 3 Lowokwaru, mohon segera diperbaiki \U0001f64f\n"
CASES: dict[str, str] = {
    "clean 200 KB description": (SENTENCE * 3000)[:200_000],
    "200 KB with a few controls": (SENTENCE * 3000)[:200_000].replace("mohon", "mo\x07hon", 50),
    "200 KB with colours everywhere": ("\x1b[1;31m" + SENTENCE + "\x1b[0m") * 2400,
    "200 KB alternating text and NUL": "a\x00" * 100_000,
    "200 KB of controls only": "\x07\x1b[2J\u202e\u200b" * 25_000,
    "200 KB unterminated OSC 52": "\x1b]52;c;" + "A" * 200_000,
    "10,000-character line of controls": "\x08\x1b\u2066" * 3_334,
}


def _best_ms(call: str, text: str) -> float:
    timer = timeit.Timer(call, globals={"neutralise": neutralise, "one_line": one_line, "text": text})
    loops, _ = timer.autorange()
    return min(timer.repeat(repeat=5, number=loops)) / loops * 1000


def main() -> None:
    print(f"{'input':<36} {'chars':>8} {'neutralise':>11} {'one_line(80)':>13}")
    for name, text in CASES.items():
        full = _best_ms("neutralise(text)", text)
        cell = _best_ms("one_line(text, 80)", text)
        print(f"{name:<36} {len(text):>8} {full:>9.2f}ms {cell:>11.3f}ms")


if __name__ == "__main__":
    main()
