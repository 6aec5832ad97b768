"""The scoring service behind ``newsqual serve``: a small Starlette app run by uvicorn.

Endpoints::

    GET  /health   200 {"status": "ok", "model": {"threshold", "data_digest", "features"}}
    POST /score    the page's Result.to_dict() as JSON

``POST /score`` takes either JSON ``{"html": ..., "url": ...}`` / ``{"text": ..., "url": ...}``
or a raw ``text/html`` / ``text/plain`` body with an optional ``?url=`` query. The URL only
labels the page (and lets URL-based signals see the domain): the service never fetches it.

Status codes: 400 bad JSON, missing or non-string fields, or a URL without a page; 413 body
larger than ``max_body`` (enforced while the body streams in); 415 other content types;
422 a page that cannot be scored (empty, binary), with the Result and its ``error``;
405 wrong method. Every error body is JSON with an ``error`` message.

Scoring is CPU work, so it runs in Starlette's thread pool; the one Scorer is shared by all
requests (it holds no mutable state).

Limits (:class:`ServeLimits`, all enforced over real sockets in ``tests/test_hostile_serve.py``):
request headers must arrive within ``header_timeout`` (slow-header clients are cut with 408),
a body within ``body_timeout`` (408), an idle keep-alive connection is closed after
``keep_alive`` seconds, at most ``max_concurrent`` requests read or score at once (more get
503 with ``Retry-After``) and at most ``max_connections`` connections are served (uvicorn's
``limit_concurrency``, 503). Each request holds at most ``max_body`` bytes of body, so the
bodies in memory never pass ``max_concurrent * max_body``. Strings holding lone surrogates
(not Unicode text) get 400; a client that disconnects mid-upload is logged at debug level.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from dataclasses import dataclass
from typing import Any

import h11
import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from uvicorn.protocols.http.h11_impl import H11Protocol

from . import settings
from .options import ScoreOptions
from .page.loader import InputKind
from .scorer import Result, Scorer

log = logging.getLogger(__name__)

#: Environment variables through which ``run`` hands the model to worker processes.
ENV_MODEL = "NEWSQUAL_MODEL"
ENV_THRESHOLD = "NEWSQUAL_THRESHOLD"

NO_FETCH = "this service does not fetch URLs; send the page's html or text"
RAW_KINDS: dict[str, InputKind] = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "text"}


HEADER_TIMEOUT = 10.0
MAX_HEADER_BYTES = 16 * 1024


class BodyTooLarge(Exception):
    """The request body went past the size limit."""


@dataclass(frozen=True, slots=True)
class ServeLimits:
    """Timeouts and bounds of the service (seconds, counts, bytes)."""

    max_body: int = settings.MAX_BYTES
    max_concurrent: int = 16  # requests reading a body or being scored at once
    max_connections: int = 128  # open connections (uvicorn limit_concurrency)
    header_timeout: float = HEADER_TIMEOUT  # from connection (or previous response) to complete request headers
    body_timeout: float = 30.0  # for the whole request body
    keep_alive: int = 5  # idle keep-alive connection
    max_header_bytes: int = MAX_HEADER_BYTES


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol plus a header timeout (408) and a cap on header bytes (431)."""

    header_timeout: float = HEADER_TIMEOUT
    max_header_bytes: int = MAX_HEADER_BYTES

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Start the header clock as soon as the connection opens."""
        self._header_timer: asyncio.TimerHandle | None = None
        self._head_bytes, self._head_tail = 0, b""
        super().connection_made(transport)
        self._watch_headers()

    def data_received(self, data: bytes) -> None:
        """Hand data to uvicorn, then keep the header clock running until a request's headers are in."""
        if self._header_timer is not None:  # waiting for headers: count the bytes up to their blank line
            seen = self._head_tail + data
            end = seen.find(b"\r\n\r\n")
            self._head_bytes += len(data) if end < 0 else max(0, end + 4 - len(self._head_tail))
            self._head_tail = seen[-3:]
            if self._head_bytes > self.max_header_bytes:
                self._refuse(b"431 Request Header Fields Too Large", "request headers over %d bytes", self.max_header_bytes)
                return
        super().data_received(data)
        self._watch_headers()

    def connection_lost(self, exc: Exception | None) -> None:
        """Stop the header clock."""
        self._stop_header_timer()
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        """After a response the next request's headers may be idle until the keep-alive timeout."""
        self._stop_header_timer()
        super().on_response_complete()

    def _watch_headers(self) -> None:
        """Arm the timer while waiting for request headers with bytes pending, disarm it once they are in."""
        waiting = self.conn.their_state is h11.IDLE and self.conn.our_state is h11.IDLE
        if waiting and self._header_timer is None and self.timeout_keep_alive_task is None:
            self._head_bytes, self._head_tail = 0, b""
            self._header_timer = self.loop.call_later(self.header_timeout, self._headers_too_slow)
        elif not waiting:
            self._stop_header_timer()

    def _stop_header_timer(self) -> None:
        """Cancel the header timer, if any."""
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        """Answer 408 and close: the request headers did not arrive in time."""
        self._header_timer = None
        self._refuse(b"408 Request Timeout", "request headers not complete after %g s", self.header_timeout)

    def _refuse(self, status: bytes, message: str, value: float) -> None:
        """Send a bare error status and close the connection (no request to answer through h11)."""
        self._stop_header_timer()
        if not self.transport.is_closing():
            self.logger.info(message + "; closing", value)
            self.transport.write(b"HTTP/1.1 " + status + b"\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
            self.transport.close()


def protocol_for(limits: ServeLimits) -> type[GuardedH11Protocol]:
    """The h11 protocol class with ``limits.header_timeout`` and ``max_header_bytes``."""
    settings_ = {"header_timeout": limits.header_timeout, "max_header_bytes": limits.max_header_bytes}
    if all(getattr(GuardedH11Protocol, k) == v for k, v in settings_.items()):
        return GuardedH11Protocol
    return type("GuardedH11Protocol", (GuardedH11Protocol,), settings_)


def server_config(app: Any, limits: ServeLimits, **kwargs: Any) -> uvicorn.Config:
    """A uvicorn config enforcing ``limits`` (pass host, port, log_level... as keywords)."""
    return uvicorn.Config(
        app, http=protocol_for(limits), limit_concurrency=limits.max_connections,
        timeout_keep_alive=limits.keep_alive, h11_max_incomplete_event_size=limits.max_header_bytes, **kwargs,
    )


def create_app(
    scorer: Scorer, *, max_body: int = settings.MAX_BYTES, limits: ServeLimits | None = None
) -> Starlette:
    """The service app scoring with ``scorer``; request bodies over ``max_body`` bytes get 413."""
    limits = limits or ServeLimits(max_body=max_body)
    slots = asyncio.Semaphore(limits.max_concurrent)

    async def health(request: Request) -> Response:
        """Liveness plus which model is loaded."""
        return JSONResponse({"status": "ok", "model": model_info(scorer)})

    async def score(request: Request) -> Response:
        """Score the page in the request body, if a slot is free."""
        if slots.locked():
            return error(503, f"busy: {limits.max_concurrent} requests in progress; retry shortly",
                         headers={"Retry-After": "1", "Connection": "close"})
        async with slots:
            return await score_request(request, scorer, limits)

    return Starlette(
        routes=[Route("/health", health, methods=["GET"]), Route("/score", score, methods=["POST"])],
        exception_handlers={HTTPException: http_error},  # type: ignore[dict-item]
    )


def model_info(scorer: Scorer) -> dict[str, Any]:
    """Threshold, short training-data digest and feature count of the loaded model."""
    bundle = scorer.bundle
    return {"threshold": scorer.threshold, "data_digest": bundle.data_digest[:12], "features": len(bundle.feature_names)}


async def score_request(request: Request, scorer: Scorer, limits: ServeLimits | int) -> Response:
    """Read, validate and score one request; every failure is a JSON error with its status."""
    limits = limits if isinstance(limits, ServeLimits) else ServeLimits(max_body=limits)
    max_body = limits.max_body
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json" and content_type not in RAW_KINDS:
        return error(415, f"unsupported content type {content_type or '(none)'!r}; send application/json, "
                          "text/html or text/plain")
    try:
        body = await asyncio.wait_for(read_body(request, max_body), limits.body_timeout)
    except BodyTooLarge:
        return error(413, f"request body larger than {max_body} bytes", headers={"Connection": "close"})
    except (TimeoutError, asyncio.TimeoutError):
        return error(408, f"request body not received within {limits.body_timeout:g} s",
                     headers={"Connection": "close"})
    except ClientDisconnect:
        log.debug("client went away during the upload")
        return error(400, "client disconnected")
    if content_type == "application/json":
        result = await score_json(body, scorer)
    else:
        url = request.query_params.get("url")
        headers = {"content-type": request.headers.get("content-type", "")}
        result = await run_in_threadpool(
            scorer.score_bytes, body, url or "<request>", url, headers, RAW_KINDS[content_type]
        )
    if isinstance(result, Response):
        return result
    return JSONResponse(result.to_dict(), status_code=422 if result.error else 200)


async def read_body(request: Request, max_body: int) -> bytes:
    """The request body, refusing (early, by Content-Length, or while streaming) past ``max_body``."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_body:
        raise BodyTooLarge
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > max_body:
            raise BodyTooLarge
    return bytes(body)


async def score_json(body: bytes, scorer: Scorer) -> Result | Response:
    """Score a JSON request ``{"html"|"text": ..., "url": ...}``, or the 400 response saying what is wrong."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        return error(400, f"invalid JSON: {exc}")
    if not isinstance(data, dict):
        return error(400, "the JSON body must be an object with an 'html' or 'text' field")
    fields = [k for k in ("html", "text") if k in data]
    url = data.get("url")
    if url is not None and not isinstance(url, str):
        return error(400, "'url' must be a string")
    if not fields:
        return error(400, NO_FETCH if url else "missing field: send 'html' or 'text'")
    if len(fields) > 1:
        return error(400, "send either 'html' or 'text', not both")
    page = data[fields[0]]
    if not isinstance(page, str):
        return error(400, f"'{fields[0]}' must be a string")
    for name, value in ((fields[0], page), ("url", url or "")):
        bad = _lone_surrogate(value)
        if bad is not None:
            return error(400, f"'{name}' holds a lone surrogate (U+{ord(value[bad]):04X} at character {bad}), "
                              "which is not Unicode text")
    if fields[0] == "html":
        return await run_in_threadpool(scorer.score_html, page, url)
    return await run_in_threadpool(scorer.score_text, page, url)


def _lone_surrogate(text: str) -> int | None:
    """The index of the first lone surrogate in ``text`` (JSON ``\\ud800`` escapes), or None."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.start
    return None


def error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """A JSON error response."""
    return JSONResponse({"error": message}, status_code=status, headers=headers)


async def http_error(request: Request, exc: HTTPException) -> Response:
    """Starlette's own errors (404, 405) as JSON, keeping their headers (such as ``Allow``)."""
    return JSONResponse({"error": exc.detail}, status_code=exc.status_code, headers=exc.headers)


def app_from_env() -> Starlette:
    """An app for the model and threshold named in ``NEWSQUAL_MODEL`` / ``NEWSQUAL_THRESHOLD`` (worker factory)."""
    threshold = os.environ.get(ENV_THRESHOLD)
    options = ScoreOptions(threshold=float(threshold) if threshold else None)
    return create_app(Scorer.load(os.environ.get(ENV_MODEL) or None, options))


def run(
    host: str = "127.0.0.1", port: int = 8000, model: str | None = None, workers: int = 1,
    threshold: float | None = None,
) -> None:
    """Serve until interrupted; the model is loaded (and checked) before the port is bound."""
    scorer = Scorer.load(model, ScoreOptions(threshold=threshold))
    log.info("serving newsqual on http://%s:%d (threshold %.3f, %d worker(s))", host, port, scorer.threshold, workers)
    limits = ServeLimits()
    if workers <= 1:
        uvicorn.Server(server_config(create_app(scorer, limits=limits), limits, host=host, port=port)).run()
        return
    # Worker processes import the app by name, so they get the model through the environment.
    os.environ[ENV_MODEL] = str(model or "")
    os.environ[ENV_THRESHOLD] = "" if threshold is None else str(threshold)
    uvicorn.run("classifier.serve:app_from_env", factory=True, host=host, port=port, workers=workers,
                http=GuardedH11Protocol, limit_concurrency=limits.max_connections, timeout_keep_alive=limits.keep_alive,
                h11_max_incomplete_event_size=limits.max_header_bytes)
