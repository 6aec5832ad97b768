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
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import settings
from .loader import InputKind
from .options import ScoreOptions
from .scorer import Result, Scorer

log = logging.getLogger(__name__)

#: Environment variables through which ``run`` hands the model to worker processes.
ENV_MODEL = "NEWSQUAL_MODEL"
ENV_THRESHOLD = "NEWSQUAL_THRESHOLD"

NO_FETCH = "this service does not fetch URLs; send the page's html or text"
RAW_KINDS: dict[str, InputKind] = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "text"}


class BodyTooLarge(Exception):
    """The request body went past the size limit."""


def create_app(scorer: Scorer, *, max_body: int = settings.MAX_BYTES) -> Starlette:
    """The service app scoring with ``scorer``; request bodies over ``max_body`` bytes get 413."""

    async def health(request: Request) -> Response:
        """Liveness plus which model is loaded."""
        return JSONResponse({"status": "ok", "model": model_info(scorer)})

    async def score(request: Request) -> Response:
        """Score the page in the request body."""
        return await score_request(request, scorer, max_body)

    return Starlette(
        routes=[Route("/health", health, methods=["GET"]), Route("/score", score, methods=["POST"])],
        exception_handlers={HTTPException: http_error},  # type: ignore[dict-item]
    )


def model_info(scorer: Scorer) -> dict[str, Any]:
    """Threshold, short training-data digest and feature count of the loaded model."""
    bundle = scorer.bundle
    return {"threshold": scorer.threshold, "data_digest": bundle.data_digest[:12], "features": len(bundle.feature_names)}


async def score_request(request: Request, scorer: Scorer, max_body: int) -> Response:
    """Read, validate and score one request; every failure is a JSON error with its status."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json" and content_type not in RAW_KINDS:
        return error(415, f"unsupported content type {content_type or '(none)'!r}; send application/json, "
                          "text/html or text/plain")
    try:
        body = await read_body(request, max_body)
    except BodyTooLarge:
        return error(413, f"request body larger than {max_body} bytes")
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
    if fields[0] == "html":
        return await run_in_threadpool(scorer.score_html, page, url)
    return await run_in_threadpool(scorer.score_text, page, url)


def error(status: int, message: str) -> JSONResponse:
    """A JSON error response."""
    return JSONResponse({"error": message}, status_code=status)


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
    if workers <= 1:
        uvicorn.run(create_app(scorer), host=host, port=port)
        return
    # Worker processes import the app by name, so they get the model through the environment.
    os.environ[ENV_MODEL] = str(model or "")
    os.environ[ENV_THRESHOLD] = "" if threshold is None else str(threshold)
    uvicorn.run("classifier.serve:app_from_env", factory=True, host=host, port=port, workers=workers)
