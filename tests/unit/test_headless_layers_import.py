"""The headless layers must run on a server or in cron without loading a UI toolkit.

import-linter checks the static import graph; this checks what actually lands in ``sys.modules``, which
also catches imports done lazily inside functions at module import time and imports pulled in by
third-party packages.
"""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import pytest

import sambat_tui

HEADLESS = ("domain", "contract", "store", "sync", "services", "central")


def _modules_of(layer: str) -> list[str]:
    package = importlib.import_module(f"sambat_tui.{layer}")
    names = [package.__name__]
    names += [m.name for m in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}.")]
    return names


@pytest.mark.parametrize("layer", HEADLESS)
def test_headless_layer_never_imports_textual_or_rich(layer: str) -> None:
    modules = _modules_of(layer)
    assert modules, f"sambat_tui.{layer} has no modules"
    probe = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"sambat_tui.{layer} loaded {result.stdout.strip()}"


def test_domain_imports_only_the_standard_library() -> None:
    modules = _modules_of("domain")
    probe = (
        "import importlib, sys\n"
        "before = set(sys.modules)\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "stdlib = sys.stdlib_module_names\n"
        "extra = sorted({m.split('.')[0] for m in set(sys.modules) - before}"
        " - set(stdlib) - {'sambat_tui'})\n"
        "print(','.join(m for m in extra if not m.startswith('_')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"domain pulled in {result.stdout.strip()}"


def test_package_has_a_version() -> None:
    assert sambat_tui.__version__.count(".") == 2
