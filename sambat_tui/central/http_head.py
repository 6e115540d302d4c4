"""HEAD wherever GET works (RFC 9110, 9.3.2): the status and headers a GET would get, and no body.

FastAPI, unlike plain Starlette, does not answer HEAD on a GET route by itself: a public route that wants it
accepts both methods and passes its answer through ``answer_for``. The body is dropped here rather than left
to the server, so the answer is right under any ASGI server and in the in-process tests.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

GET_AND_HEAD = ["GET", "HEAD"]


def answer_for(request: Request, response: Response) -> Response:
    """``response`` itself for a GET; for a HEAD, its status and headers (Content-Length kept) alone."""
    if request.method != "HEAD":
        return response
    bare = Response(status_code=response.status_code)
    # Every header of the full answer, Content-Length included: it announces what a GET would carry.
    bare.raw_headers = list(response.raw_headers)
    return bare
