"""GET /v1/events over a real server: live, resumable, bounded, and each party's own."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from deconflict.api.app import create_app
from deconflict.api.settings import Settings
from deconflict.domain.ids import MemberId
from deconflict.domain.party import Role
from deconflict.service import events, parties
from deconflict.service.clock import ManualClock
from deconflict.service.context import Principal, Service
from tests.api.helpers import RunningServer, World, assert_problem, circle, rectangle, volume
from tests.api.sse import EventStream


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Keep-alives every half second and two streams a key, so both show within a test."""
    return settings.model_copy(update={"stream_keepalive_s": 0.5, "max_streams_per_key": 2})


def _hospital(world: World) -> None:
    _hospital_by(world.parties["Lakeside Relief Corps"].planner)


def _hospital_by(planner: httpx.Client) -> None:
    hospital = {
        "name": "Field hospital",
        "volumes": [volume(circle(10.45, 45.32, 300), upper_m=2000, start_h=0, end_h=24)],
        "buffer": {"horizontal_m": 500},
    }
    assert planner.post("/v1/zones", json=hospital).status_code == 201


def _flight(world: World, lon: float = 10.44) -> str:
    north = world.parties["Northland Army"]
    plan = {"volumes": [volume(rectangle(lon, 45.30, lon + 0.05, 45.34))]}
    answer = north.planner.post("/v1/operations", json=plan)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def test_an_event_arrives_live_as_its_change_commits(world: World) -> None:
    _hospital(world)
    relief = world.parties["Lakeside Relief Corps"]
    with EventStream(relief.liaison) as stream:
        assert stream.response.status_code == 200
        assert stream.response.headers["content-type"].startswith("text/event-stream")
        assert stream.next().id is None  # a reconnection hint comes first, not an event
        _flight(world)
        frame = stream.next_event()
        assert frame.event == "notice"
        body = frame.json
        assert body["id"] == int(frame.id or "-1")
        assert body["type"] == "notice"
        assert body["subject"].startswith("notice:")
        assert "party" not in str(body["data"])  # an event names no party


def test_a_reconnection_resumes_with_no_gap_and_no_duplicate(world: World) -> None:
    _hospital(world)
    relief = world.parties["Lakeside Relief Corps"]
    with EventStream(relief.liaison, last_event_id="-1") as stream:
        first = stream.events(2)  # the zone's creation, and the member's enrolment
    ids = [int(f.id or "") for f in first]
    assert ids == sorted(ids)
    _flight(world)
    _flight(world, lon=10.43)
    with EventStream(relief.liaison, last_event_id=str(ids[-1])) as stream:
        later = stream.events(2)
    later_ids = [int(f.id or "") for f in later]
    assert later_ids == [ids[-1] + 1, ids[-1] + 2]
    record = relief.liaison.get("/v1/audit?limit=500").json()["items"]
    seqs = [e["seq"] for e in record]
    assert seqs[seqs.index(ids[0]) : seqs.index(ids[0]) + len(ids) + 2] == ids + later_ids


def test_keep_alives_flow_on_an_idle_stream(world: World) -> None:
    north = world.parties["Northland Army"]
    with EventStream(north.viewer) as stream:
        comments: list[str] = []
        while len(comments) < 2:
            frame = stream.next(timeout_s=5)
            comments.extend(frame.comments)
        assert comments[:2] == ["keep-alive", "keep-alive"]


def test_a_stream_ends_once_its_key_is_revoked(world: World) -> None:
    north = world.parties["Northland Army"]
    member = north.member(Role.VIEWER)
    with EventStream(member.client) as stream:
        stream.next()
        parties.revoke_key(world.service, MemberId(member.id))
        with pytest.raises(EOFError):
            _read_to_the_end(stream)


def test_streams_per_key_are_bounded(world: World) -> None:
    north = world.parties["Northland Army"]
    with EventStream(north.viewer), EventStream(north.viewer):
        refused = north.viewer.get("/v1/events")
        assert_problem(refused, 429, "too-many-streams")
        with EventStream(north.liaison) as other_key:  # another key has its own streams
            assert other_key.response.status_code == 200
    with EventStream(north.viewer) as again:  # closed streams give their slots back
        assert again.response.status_code == 200


@pytest.mark.parametrize(
    "bad", ["abc", "-2", "1.5", "", "99999999999999999999999", str(2**63), str(2**64 - 1)]
)
def test_a_bad_last_event_id_is_a_problem_with_a_pointer(world: World, bad: str) -> None:
    north = world.parties["Northland Army"]
    answer = north.viewer.get("/v1/events", headers={"Last-Event-ID": bad})
    body = assert_problem(answer, 422, "malformed-value")
    assert body["errors"][0]["pointer"] == "/headers/Last-Event-ID"


def test_a_last_event_id_past_the_record_is_refused_and_minus_one_replays(world: World) -> None:
    _hospital(world)
    relief = world.parties["Lakeside Relief Corps"]
    own = [e["seq"] for e in relief.viewer.get("/v1/audit?limit=500").json()["items"]]
    ahead = relief.viewer.get("/v1/events", headers={"Last-Event-ID": str(max(own) + 3)})
    body = assert_problem(ahead, 409, "event-id-ahead")
    assert "Last-Event-ID: -1" in body["detail"]
    biggest = relief.viewer.get("/v1/events", headers={"Last-Event-ID": str(2**63 - 1)})
    assert_problem(biggest, 409, "event-id-ahead")
    # What the problem advises works: -1 replays the record from its start.
    with EventStream(relief.viewer, last_event_id="-1") as stream:
        assert int(stream.next_event().id or "") == min(own)
    with EventStream(relief.viewer, last_event_id=str(max(own))) as stream:  # at the end: fine
        assert stream.response.status_code == 200


def test_no_key_no_stream(world: World) -> None:
    assert_problem(world.client().get("/v1/events"), 401, "unauthenticated")
    assert_problem(world.client("dcf_not-a-key").get("/v1/events"), 401, "unauthenticated")


def test_a_party_streams_only_its_own_record(world: World) -> None:
    _hospital(world)
    _flight(world)
    south = world.parties["Southmark Defence Force"]
    quiet = world.parties["Westmoor Border Guard"]
    for party in (south, quiet):
        with EventStream(party.viewer, last_event_id="-1") as stream:
            streamed = []
            while True:
                frame = stream.next(timeout_s=5)
                if frame.comments:
                    break  # idle: the record is exhausted
                if frame.id is not None:
                    streamed.append(int(frame.id))
        own = [e["seq"] for e in party.viewer.get("/v1/audit?limit=500").json()["items"]]
        assert streamed == own


def test_a_commit_between_the_read_and_the_wait_wakes_the_stream(
    settings: Settings, service: Service, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Polls and keep-alives a minute apart: only the commit's own ring can bring the event
    # within the half minute allowed below.
    slow = settings.model_copy(update={"delivery_poll_s": 60.0, "stream_keepalive_s": 60.0})
    with RunningServer.start(create_app(slow, service)) as server:
        world = World(server.base_url, service, clock)
        relief = world.add_party("Lakeside Relief Corps")
        planner = relief.planner  # enrolled (an event) before the stream opens
        read = events.events_after
        pending = [True]

        def read_then_commit(
            svc: Service, by: Principal, after_id: int, **kwargs: Any
        ) -> events.EventPage:
            """The stream's read; once, when it found nothing new, a commit right after it,
            in the window before the stream waits."""
            page = read(svc, by, after_id, **kwargs)
            if pending[0] and page.last_id == after_id:
                pending[0] = False
                _hospital_by(planner)
            return page

        monkeypatch.setattr(events, "events_after", read_then_commit)
        try:
            with EventStream(relief.viewer) as stream:
                assert stream.next().id is None  # the reconnection hint
                frame = stream.next_event(timeout_s=30)
                assert frame.json["subject"].startswith("zone:")
                assert not pending[0]
        finally:
            world.close()


def _read_to_the_end(stream: EventStream) -> None:
    while True:
        stream.next(timeout_s=5)
