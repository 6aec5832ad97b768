"""Numbers as people read them: byte sizes in B, KB, MB and GB (1 KB = 1024 bytes, as the size limits are)."""

from __future__ import annotations


def human_size(n: float) -> str:
    """``n`` bytes as ``"100 B"``, ``"1.5 KB"`` or ``"5.0 MB"``."""
    if n < 1024:
        return f"{int(n)} B"
    for unit in ("KB", "MB", "GB"):
        n /= 1024
        if n < 1024 or unit == "GB":
            return f"{n:.1f} {unit}"
    return f"{n:.1f} GB"  # pragma: no cover - the loop returns
