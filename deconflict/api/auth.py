"""The bearer scheme: API keys in `Authorization`, documented in OpenAPI as a security scheme."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

#: Not auto_error: a missing or non-Bearer header must get the same 401 problem as a bad key.
bearer = HTTPBearer(
    auto_error=False,
    scheme_name="api_key",
    description="A member's API key (`dcf_…`), shown once when the member is created.",
)

Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
