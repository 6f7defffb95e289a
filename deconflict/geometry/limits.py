"""Documented limits on volumes: every one is enforced at parse time by its own error.

Input is bounded before any index or overlap work, so that no footprint, however odd,
can cost more than a normal one (see the design brief: a tiny degenerate polygon once made
an indexer loop and exhaust memory).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

#: Vertices in one ring, closing position included.
MAX_VERTICES_PER_RING = 1_000
#: Vertices in one footprint, all rings together.
MAX_VERTICES_PER_FOOTPRINT = 2_000
#: Holes in one polygon.
MAX_HOLES = 100

#: Largest side of a footprint's bounding box, buffer and radius included (geodesic metres).
MAX_EXTENT_M = 1_000_000.0
#: Largest footprint area (square metres); 250,000 km² is a country-sized reservation.
MAX_AREA_M2 = 250_000.0 * 1e6
#: A polygon must have at least this area (square metres).
MIN_AREA_M2 = 1.0
#: Vertices and edges of a polygon may not come closer to each other than this (metres):
#: slivers and spikes thinner than it are refused as degenerate.
MIN_CLEARANCE_M = 0.5

#: Footprints may not reach closer to a pole than this latitude (degrees, absolute).
MAX_ABS_LATITUDE_DEG = 85.0
#: Longitudes one footprint may span, margins included; keeps every pair comparable in
#: one local frame and rules out shapes wrapping around a pole.
MAX_LONGITUDE_SPAN_DEG = 90.0

#: Circle radius bounds (metres).
MIN_RADIUS_M = 1.0
MAX_RADIUS_M = 500_000.0
#: Deconfliction buffer bounds (metres).
MAX_HORIZONTAL_BUFFER_M = 100_000.0
MAX_VERTICAL_BUFFER_M = 5_000.0

#: Altitude bounds in metres, in any reference.
MIN_ALTITUDE_M = -1_000.0
MAX_ALTITUDE_M = 50_000.0

#: Longest time window of one volume; standing zones are renewed before this runs out.
MAX_DURATION = timedelta(days=731)
#: Earliest and latest instants a time window may touch.
EARLIEST_TIME = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_TIME = datetime(2200, 1, 1, tzinfo=UTC)

#: Distance decisions are exact to within this many metres (geodesic, WGS84).
DISTANCE_TOLERANCE_M = 0.05
