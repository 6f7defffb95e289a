"""A fictional, seeded 4D workload for the benchmarks: stored volumes and query volumes.

Every volume is built as the API's JSON form and goes through `parse_volume` (zones
through `parse_reach`), so the benchmark stores exactly what the API would accept.
Generation is chunked: chunk `i` depends only on the seed and `i`, so the result does not
depend on how many processes made it, and each chunk is cached on disk as a pickle of
validated entries so that a second run does not pay the validation again.
"""

from __future__ import annotations

import math
import os
import pickle
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from deconflict import errors
from deconflict.domain.entities import EntityKind, EntityRef, VolumeOwner
from deconflict.domain.ids import PartyId
from deconflict.geometry import Reach, parse_reach, parse_volume
from deconflict.geometry.frame import LocalFrame

#: Bump when the generator changes, so stale caches are not reused.
GENERATOR_VERSION = 2  # 2: footprints carry their prepared core
DEFAULT_SEED = 20261201
#: Entries per generated (and cached) chunk; the unit of parallel work.
CHUNK_SIZE = 10_000
DEFAULT_CACHE_DIR = Path(__file__).resolve().parent / "results" / "cache"

#: The region: a square centred at mid-latitude, and the day the windows fall in.
CENTRE_LON = 8.9
CENTRE_LAT = 47.3
HALF_SIDE_M = 250_000.0
#: Midnight UTC the day after tomorrow: the API bench's server runs on the real clock and
#: would take a day gone by as expired, so the day is always ahead of it (a fixed date
#: worked until it passed).
START = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=2)
SPAN = timedelta(hours=24)
PARTIES = tuple(PartyId(f"party-{i:02d}") for i in range(1, 37))

_FRAME = LocalFrame.at(CENTRE_LON, CENTRE_LAT)
_MIN_WINDOW_S = 5 * 60.0
_MAX_WINDOW_S = 2 * 3600.0
_MAX_ALTITUDE_M = 1_500.0
_MAX_AREA_M2 = 2_500e6
#: Attempts at one volume before giving up: a rejection is rare and worth knowing about.
_MAX_ATTEMPTS = 20
#: Streams of the seed: stored volumes and queries never share random numbers.
_STORED_STREAM = 0
_QUERY_STREAM = 1

Entry = tuple[VolumeOwner, Sequence[Reach]]
Json = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Draft:
    """One volume as the API would receive it, before validation."""

    category: str  # operation, zone or area
    volume: Json
    buffer: Json | None  # zones only


def draft(rng: np.random.Generator) -> Draft:
    """A volume drawn from the mix: 70% operations, 25% zones, 5% areas."""
    roll = rng.random()
    if roll < 0.70:
        return _operation(rng)
    if roll < 0.95:
        return _zone(rng)
    return _area(rng)


def validated(d: Draft) -> Reach:
    """The draft's reach, validated exactly as the API validates it."""
    if d.buffer is None:
        return Reach(parse_volume(d.volume))
    return parse_reach(d.volume, d.buffer, "", "/buffer")


def draw_reach(rng: np.random.Generator) -> tuple[str, Reach, int]:
    """A validated reach, its category, and how many drafts were refused on the way."""
    for attempt in range(_MAX_ATTEMPTS):
        d = draft(rng)
        try:
            return d.category, validated(d), attempt
        except errors.InvalidInput:
            continue
    raise RuntimeError(f"{_MAX_ATTEMPTS} drafts in a row were refused; the generator is broken")


def _operation(rng: np.random.Generator) -> Draft:
    shape = rng.random()
    if shape < 0.40:
        footprint = _circle(rng, _log_uniform(rng, 200.0, 5_000.0))
    elif shape < 0.85:
        footprint = _star(rng, _log_uniform(rng, 200.0, 5_000.0), int(rng.integers(3, 50)))
    else:
        footprint = _corridor(rng, length_m=rng.uniform(5_000.0, 60_000.0))
    lower = 0.0 if rng.random() < 0.4 else rng.uniform(0.0, 1_000.0)
    upper = min(lower + _log_uniform(rng, 30.0, 500.0), _MAX_ALTITUDE_M)
    return Draft("operation", _volume(rng, footprint, lower, upper), None)


def _zone(rng: np.random.Generator) -> Draft:
    shape = rng.random()
    if shape < 0.60:
        footprint = _circle(rng, _log_uniform(rng, 200.0, 2_000.0))
    elif shape < 0.85:
        footprint = _star(rng, _log_uniform(rng, 200.0, 5_000.0), int(rng.integers(3, 50)))
    else:
        footprint = _corridor(rng, length_m=rng.uniform(5_000.0, 40_000.0))
    upper = rng.uniform(150.0, _MAX_ALTITUDE_M)
    buffer = {
        "horizontal_m": float(rng.choice([0.0, 500.0, 1_000.0, 2_000.0, 5_000.0])),
        "vertical_m": float(rng.choice([0.0, 50.0, 100.0, 300.0])),
    }
    return Draft("zone", _volume(rng, footprint, 0.0, upper), buffer)


def _area(rng: np.random.Generator) -> Draft:
    """A large reservation, 25 to 2,500 km²: a rotated rectangle or a many-sided star."""
    target_m2 = rng.uniform(25e6, _MAX_AREA_M2)
    if rng.random() < 0.5:
        aspect = rng.uniform(1.0, 4.0)
        width = math.sqrt(target_m2 / aspect)
        half_x, half_y = width * aspect / 2.0, width / 2.0
        corners = np.array(
            [[-half_x, -half_y], [half_x, -half_y], [half_x, half_y], [-half_x, half_y]]
        )
        angle = rng.uniform(0.0, math.pi)
        rotation = np.array(
            [[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]]
        )
        offsets = corners @ rotation.T
    else:
        offsets = _star_offsets(rng, 1.0, int(rng.integers(8, 50)))
        offsets *= math.sqrt(target_m2 / shapely.Polygon(offsets).area)
    footprint = _polygon(_centre(rng), offsets)
    lower = 0.0 if rng.random() < 0.7 else rng.uniform(0.0, 500.0)
    upper = rng.uniform(max(lower, 300.0), _MAX_ALTITUDE_M)
    return Draft("area", _volume(rng, footprint, lower, upper), None)


def _circle(rng: np.random.Generator, radius_m: float) -> Json:
    lon, lat = _centre(rng)
    return {
        "type": "Circle",
        "center": [round(lon, 7), round(lat, 7)],
        "radius_m": round(radius_m, 1),
    }


def _star(rng: np.random.Generator, radius_m: float, corners: int) -> Json:
    return _polygon(_centre(rng), _star_offsets(rng, radius_m, corners))


def _star_offsets(rng: np.random.Generator, radius_m: float, corners: int) -> np.ndarray:
    """A polygon star-shaped around its centre, hence simple: one vertex per angular sector."""
    sector = 2.0 * math.pi / corners
    angles = (np.arange(corners) + rng.uniform(-0.35, 0.35, corners)) * sector
    angles += rng.uniform(0.0, 2.0 * math.pi)
    radii = radius_m * rng.uniform(0.45, 1.0, corners)
    return np.column_stack((radii * np.cos(angles), radii * np.sin(angles)))


def _corridor(rng: np.random.Generator, length_m: float) -> Json:
    """A long thin route: a bending polyline buffered in a local metric frame."""
    legs = int(rng.integers(1, 5))
    heading = rng.uniform(0.0, 2.0 * math.pi)
    points = [(0.0, 0.0)]
    for _ in range(legs):
        heading += rng.uniform(-math.pi / 4.0, math.pi / 4.0)
        step = length_m / legs
        x, y = points[-1]
        points.append((x + step * math.cos(heading), y + step * math.sin(heading)))
    line = np.array(points) - np.mean(points, axis=0)
    half_width = rng.uniform(50.0, 300.0)
    outline = shapely.LineString(line).buffer(half_width, quad_segs=2).simplify(1.0)
    offsets = np.asarray(outline.exterior.coords)[:-1]
    return _polygon(_centre(rng), offsets)


def _polygon(centre: tuple[float, float], offsets_m: np.ndarray) -> Json:
    frame = LocalFrame.at(*centre)
    lonlat = np.round(offsets_m / np.array([frame.kx, frame.ky]) + np.array(centre), 7)
    ring = [[float(lon), float(lat)] for lon, lat in lonlat]
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def _centre(rng: np.random.Generator) -> tuple[float, float]:
    xy = rng.uniform(-HALF_SIDE_M, HALF_SIDE_M, (1, 2))
    lon, lat = _FRAME.coords_from_plane(xy)[0]
    return float(lon), float(lat)


def _volume(rng: np.random.Generator, footprint: Json, lower: float, upper: float) -> Json:
    duration_s = round(_log_uniform(rng, _MIN_WINDOW_S, _MAX_WINDOW_S))
    start = START + timedelta(seconds=round(rng.uniform(0.0, SPAN.total_seconds() - duration_s)))
    end = start + timedelta(seconds=duration_s)
    return {
        "footprint": footprint,
        "altitude_lower_m": round(lower, 1),
        "altitude_upper_m": round(upper, 1),
        "altitude_reference": "AMSL" if rng.random() < 0.2 else "WGS84",
        "start": _rfc3339(start),
        "end": _rfc3339(end),
    }


def _rfc3339(instant: datetime) -> str:
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


def _log_uniform(rng: np.random.Generator, low: float, high: float) -> float:
    return float(math.exp(rng.uniform(math.log(low), math.log(high))))


# --- chunks, entities and the cache -----------------------------------------------------

_KIND = {"operation": EntityKind.OPERATION, "zone": EntityKind.ZONE, "area": EntityKind.ZONE}


def stored_chunk(seed: int, chunk: int, count: int) -> tuple[list[Entry], int]:
    """The first `count` stored entries of chunk `chunk`, and the drafts refused."""
    rng = np.random.default_rng([seed, _STORED_STREAM, chunk])
    entries: list[Entry] = []
    refused = 0
    for i in range(count):
        category, reach, attempts = draw_reach(rng)
        refused += attempts
        party = PARTIES[int(rng.integers(len(PARTIES)))]
        entity_id = f"{category}-{chunk * CHUNK_SIZE + i:07d}"
        entries.append((VolumeOwner(EntityRef(_KIND[category], entity_id), party, 1), [reach]))
    return entries, refused


def query_reaches(seed: int, count: int) -> tuple[list[Reach], int]:
    """`count` query reaches drawn from the same mix, and the drafts refused."""
    rng = np.random.default_rng([seed, _QUERY_STREAM])
    reaches: list[Reach] = []
    refused = 0
    for _ in range(count):
        _, reach, attempts = draw_reach(rng)
        refused += attempts
        reaches.append(reach)
    return reaches, refused


@dataclass(frozen=True, slots=True)
class Workload:
    """A stored set of `stored` volumes and `queries` query volumes, cached under a dir."""

    stored: int
    queries: int
    seed: int = DEFAULT_SEED
    cache_dir: Path | None = DEFAULT_CACHE_DIR
    processes: int = 2

    @property
    def start(self) -> datetime:
        """The workload's first instant: at it, no volume has expired yet."""
        return START

    def chunks(self) -> list[tuple[int, int]]:
        """(chunk index, entries) for each chunk of the stored set."""
        full, rest = divmod(self.stored, CHUNK_SIZE)
        return [(i, CHUNK_SIZE) for i in range(full)] + ([(full, rest)] if rest else [])

    def prepare(self) -> int:
        """Generate and cache whatever chunks are missing, in parallel; returns how many."""
        if self.cache_dir is None:
            return 0
        missing = [(i, n) for i, n in self.chunks() if not self._chunk_path(i, n).exists()]
        if len(missing) <= 1 or self.processes <= 1:
            for i, n in missing:
                _write_chunk(self.seed, i, n, self._chunk_path(i, n))
        else:
            with ProcessPoolExecutor(max_workers=self.processes) as pool:
                jobs = [
                    pool.submit(_write_chunk, self.seed, i, n, self._chunk_path(i, n))
                    for i, n in missing
                ]
                for job in jobs:
                    job.result()
        return len(missing)

    def stored_batches(self) -> Iterator[list[Entry]]:
        """The stored entries, one chunk at a time, so memory stays bounded."""
        for i, n in self.chunks():
            if self.cache_dir is None:
                yield stored_chunk(self.seed, i, n)[0]
                continue
            path = self._chunk_path(i, n)
            if not path.exists():
                _write_chunk(self.seed, i, n, path)
            yield _load(path)

    def query_set(self) -> list[Reach]:
        if self.cache_dir is None:
            return query_reaches(self.seed, self.queries)[0]
        path = self._dir() / f"queries-{self.queries}.pickle"
        if not path.exists():
            _dump(path, query_reaches(self.seed, self.queries)[0])
        reaches: list[Reach] = _load(path)
        return reaches

    def _dir(self) -> Path:
        assert self.cache_dir is not None
        # Times are absolute, so a workload is good for the day it was made for.
        name = f"workload-v{GENERATOR_VERSION}-seed{self.seed}-{START:%Y%m%d}"
        return self.cache_dir / name

    def _chunk_path(self, chunk: int, count: int) -> Path:
        return self._dir() / f"stored-{chunk:04d}-{count}.pickle"


def _write_chunk(seed: int, chunk: int, count: int, path: Path) -> int:
    entries, refused = stored_chunk(seed, chunk, count)
    _dump(path, entries)
    return refused


def _dump(path: Path, value: object) -> None:
    # Write then rename, so an interrupted run never leaves a truncated cache file behind.
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
    Path(tmp).replace(path)


def _load(path: Path) -> Any:
    # Only files this module wrote under its own cache directory are ever read here.
    with path.open("rb") as f:
        return pickle.load(f)
