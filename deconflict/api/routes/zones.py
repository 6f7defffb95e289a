"""Zones: /v1/zones — protect, list, read, revise with If-Match, retire."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Header
from starlette.responses import Response

from deconflict.api.idempotency import answer
from deconflict.api.pagination import cut
from deconflict.api.routes.deps import Caller, Deps, Paging, Post, entity_tag
from deconflict.api.schemas.common import Page, etag, json_response, problem_responses
from deconflict.api.schemas.zones import ZoneIn, ZoneOut, ZoneRevisionIn
from deconflict.domain.ids import ZoneId
from deconflict.domain.zone import Zone
from deconflict.service import zones
from deconflict.store.interface import Transaction

IfMatch = Annotated[
    str | None,
    Header(alias="If-Match", description='The ETag of the version you change: "<version>"'),
]


def _headers(body: Mapping[str, Any]) -> dict[str, str]:
    return {"ETag": etag(body["version"]), "Location": f"/v1/zones/{body['id']}"}


def router(deps: Deps) -> APIRouter:
    svc = deps.service
    api = APIRouter(prefix="/v1/zones", tags=["zones"])

    def render(_: Transaction, zone: Zone) -> tuple[int, str]:
        return 201, ZoneOut.from_domain(zone).model_dump_json()

    @api.post("", status_code=201, response_model=ZoneOut, responses=problem_responses(403))
    def protect(body: ZoneIn, by: Caller, post: Post) -> Response:
        """Protect an area: volumes with a deconfliction buffer. The ETag is the version."""
        volumes, buffer = body.to_domain(deps.model)
        return answer(
            svc,
            by,
            post,
            lambda: zones.protect(svc, by, body.name, volumes, buffer, body.validity),
            render,
            _headers,
        )

    @api.get("", response_model=Page[ZoneOut], responses=problem_responses())
    def list_zones(by: Caller, page: Paging) -> Response:
        """The caller's party's zones, retired ones included."""
        found = zones.own_zones(svc, by, after=page.after, limit=page.fetch)
        items, cursor = cut(found, page, lambda z: z.id)
        return json_response(
            Page[ZoneOut](items=[ZoneOut.from_domain(z) for z in items], next_cursor=cursor)
        )

    @api.get("/{zone_id}", response_model=ZoneOut, responses=problem_responses(404))
    def read_zone(zone_id: str, by: Caller) -> Response:
        zone = zones.own_zone(svc, by, ZoneId(zone_id))
        return json_response(ZoneOut.from_domain(zone), headers={"ETag": etag(zone.version)})

    @api.put(
        "/{zone_id}", response_model=ZoneOut, responses=problem_responses(403, 404, 409, 412, 428)
    )
    def revise_zone(
        zone_id: str, body: ZoneRevisionIn, by: Caller, if_match: IfMatch = None
    ) -> Response:
        """A new version of the zone; If-Match must name the current version."""
        tag = entity_tag(if_match)
        volumes, buffer = body.to_domain(deps.model)
        zone = zones.revise_protection(
            svc,
            by,
            ZoneId(zone_id),
            named_version=tag,
            volumes=volumes,
            buffer=buffer,
            name=body.name,
        )
        return json_response(ZoneOut.from_domain(zone), headers={"ETag": etag(zone.version)})

    @api.delete("/{zone_id}", response_model=ZoneOut, responses=problem_responses(403, 404, 409))
    def retire_zone(zone_id: str, by: Caller) -> Response:
        """Retire the zone: it stops protecting at once."""
        return json_response(ZoneOut.from_domain(zones.retire(svc, by, ZoneId(zone_id))))

    return api
