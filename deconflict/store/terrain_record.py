"""The terrain range a store's AGL volumes were indexed with, kept beside them.

An AGL volume's ellipsoid bounds (its index box, and the altitude test its search runs in
SQL) come from the deployment's terrain range when the volume is written. Opened with
another range, a store would compare those volumes by bounds that no longer hold and miss
conflicts, so it records the range and refuses another while it holds AGL volumes.
"""

from __future__ import annotations

from collections.abc import Callable

from deconflict import errors
from deconflict.geometry.altitude import VerticalModel

#: Key of the range in SQLite's `meta`; PostgreSQL keeps it in `index_meta.terrain_range`.
TERRAIN_KEY = "terrain_range"


def terrain_text(model: VerticalModel) -> str:
    """The range as stored: "min,max" metres AMSL, or "" without one."""
    if model.terrain_min_m is None or model.terrain_max_m is None:
        return ""
    return f"{model.terrain_min_m!r},{model.terrain_max_m!r}"


def must_record(recorded: str | None, model: VerticalModel, count_agl: Callable[[], int]) -> bool:
    """Whether the store should record `model`'s range now; raises `StoreMismatch` when AGL
    volumes were indexed with another. A store that recorded none yet takes the range it
    is opened with. The AGL volumes are counted only when the range differs: at a million
    stored the count reads the whole table."""
    current = terrain_text(model)
    if recorded == current:
        return False
    agl_volumes = 0 if recorded is None else count_agl()
    if agl_volumes:
        was = f"terrain range {recorded} m" if recorded else "no terrain range"
        now = f"terrain range {current} m" if current else "no terrain range"
        raise errors.StoreMismatch(
            f"this store holds {agl_volumes} AGL volume(s) indexed with {was}; it cannot be "
            f"opened with {now}: their bounds would no longer hold and conflicts would be "
            f"missed (set DECONFLICT_TERRAIN_MIN_M and DECONFLICT_TERRAIN_MAX_M as before)"
        )
    return True
