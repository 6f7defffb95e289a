"""Shapes written out as GeoJSON: rings by the right-hand rule, lists that survive JSON."""

from __future__ import annotations

import json

from shapely.geometry import LineString, Point, Polygon

from deconflict.geometry.geojson import to_geojson


def test_a_polygon_is_written_counter_clockwise_with_its_hole_clockwise() -> None:
    clockwise = [(9.5, 46.2), (9.5, 46.3), (9.6, 46.3), (9.6, 46.2)]
    hole = [(9.52, 46.22), (9.58, 46.22), (9.58, 46.28), (9.52, 46.28)]
    written = to_geojson(Polygon(clockwise, [hole]))
    assert written["type"] == "Polygon"
    outer, inner = written["coordinates"]
    assert outer == [[9.5, 46.2], [9.6, 46.2], [9.6, 46.3], [9.5, 46.3], [9.5, 46.2]]
    assert inner == [[9.52, 46.22], [9.52, 46.28], [9.58, 46.28], [9.58, 46.22], [9.52, 46.22]]
    assert json.loads(json.dumps(written)) == written


def test_a_line_or_a_point_where_two_only_touch_is_written_as_it_is() -> None:
    assert to_geojson(LineString([(9.5, 46.2), (9.6, 46.25)])) == {
        "type": "LineString",
        "coordinates": [[9.5, 46.2], [9.6, 46.25]],
    }
    assert to_geojson(Point(9.5, 46.2)) == {"type": "Point", "coordinates": [9.5, 46.2]}
