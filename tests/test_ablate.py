"""training/ablate.py: how a variant is read from the command line (the LOCO runs need the corpus)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
_spec = importlib.util.spec_from_file_location("ablate", ROOT / "training" / "ablate.py")
assert _spec and _spec.loader
ablate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ablate)


def test_variant_reads_dropped_signals_and_recipe_fields() -> None:
    name, drop, over = ablate.parse_variant("lean: drop=dates_missing,junk_spun_phrase; text_tail=0.5; era_balanced=false")
    assert name == "lean"
    assert drop == ["dates_missing", "junk_spun_phrase"]
    assert over == {"text_tail": 0.5, "era_balanced": False}


@pytest.mark.parametrize("spec, message", [("x: drop=no_such_signal", "unknown signal"),
                                           ("x: colour=blue", "neither 'drop' nor a Recipe field"),
                                           ("x: max_iter=many", "invalid literal")])
def test_bad_variant_is_refused_with_its_reason(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ablate.parse_variant(spec)


def test_bad_variant_on_the_command_line_is_a_usage_error_not_a_traceback() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "training" / "ablate.py"), "x: colour=blue"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "Recipe field" in proc.stderr and "Traceback" not in proc.stderr
