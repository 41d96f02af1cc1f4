"""The receiver over HTTPS: a Starlette app, served by uvicorn with the city's TLS certificate.

Routes (``docs/sync-protocol.md``): ``GET /v1/health``, ``POST /v1/registrations``,
``PUT /v1/batches/{batch_id}``, ``GET /v1/catalog?after=<version>``, ``POST /v1/decisions``. Database and crypto
work runs in the thread pool (``run_in_threadpool``), so many stations upload at once
without blocking the event loop; each error is JSON with ``error``, ``message`` (English)
and ``user_message`` (Chinese).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from jiangxin_desktop.city.catalog import newest_catalog
from jiangxin_desktop.city.downlink import MAX_REQUEST, answer_request
from jiangxin_desktop.city.errors import CityError
from jiangxin_desktop.city.ingest import ingest
from jiangxin_desktop.city.receiver import Receiver
from jiangxin_desktop.city.registration import register
from jiangxin_desktop.envelope import MAX_ENVELOPE

JOSE = "application/jose"
MAX_REGISTRATION = 256 * 1024
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
log = logging.getLogger("jiangxin.city")


def _error(exc: CityError) -> JSONResponse:
    return JSONResponse(exc.to_json(), status_code=exc.status)


async def _body(request: Request, limit: int) -> bytes:
    """The request body, refused once it passes ``limit`` bytes (before it is all read)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise CityError("too_large", 413, f"body of {declared} bytes exceeds {limit}",
                        f"上传的文件超过 {limit // 1024} KB，已拒收。")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise CityError("too_large", 413, f"body exceeds {limit} bytes",
                            f"上传的文件超过 {limit // 1024} KB，已拒收。")
        chunks.append(chunk)
    return b"".join(chunks)


def _remote(request: Request) -> str | None:
    return f"{request.client.host}:{request.client.port}" if request.client else None


def _jws(token: str) -> Response:
    return Response(token.encode("ascii"), media_type=JOSE)


def build_app(receiver: Receiver, *, max_batch: int = MAX_ENVELOPE) -> Starlette:
    async def refuse(request: Request, exc: CityError, what: str, batch_id: str | None = None) -> Response:
        """A request refused before the receiver read it: logged all the same."""
        await run_in_threadpool(receiver.refused, receiver.clock(), exc, station_code=None,
                                batch_id=batch_id, remote=_remote(request), what=what)
        return _error(exc)

    async def health(_request: Request) -> Response:
        return JSONResponse({"status": "ok", "city": receiver.city.name})

    async def registrations(request: Request) -> Response:
        try:
            body = await _body(request, MAX_REGISTRATION)
        except CityError as exc:
            return await refuse(request, exc, "registration")
        try:
            return _jws(await run_in_threadpool(register, receiver, body, _remote(request)))
        except CityError as exc:  # audited by register
            return _error(exc)

    async def batches(request: Request) -> Response:
        batch_id = request.path_params["batch_id"]
        try:
            if not _UUID.fullmatch(batch_id):
                raise CityError("bad_batch_id", 400, "batch id is not a lowercase UUID",
                                f"批次号“{batch_id[:60]}”格式不对（应为小写 UUID）。")
            media = request.headers.get("content-type", JOSE).split(";")[0].strip().lower()
            if media != JOSE:
                raise CityError("unsupported_media_type", 415, f"Content-Type {media!r}, expected {JOSE}",
                                "上传的不是加密的同步批次（应为 application/jose），已拒收。")
            body = await _body(request, max_batch)
        except CityError as exc:
            return await refuse(request, exc, "batch", batch_id)
        try:
            return _jws(await run_in_threadpool(ingest, receiver, batch_id, body, _remote(request)))
        except CityError as exc:  # audited by ingest
            return _error(exc)

    async def catalog(request: Request) -> Response:
        try:
            newest = await run_in_threadpool(newest_catalog, receiver.store, request.query_params.get("after"))
        except CityError as exc:
            return _error(exc)
        if newest is None:
            return Response(status_code=204)
        return _jws(newest[1])

    async def decisions(request: Request) -> Response:
        try:
            body = await _body(request, MAX_REQUEST)
        except CityError as exc:
            return await refuse(request, exc, "decisions")
        try:
            return _jws(await run_in_threadpool(answer_request, receiver, body, _remote(request)))
        except CityError as exc:  # audited by answer_request
            return _error(exc)

    async def failure(request: Request, exc: Exception) -> Response:
        if isinstance(exc, ClientDisconnect):
            return Response(status_code=400)
        if isinstance(exc, DBAPIError) and (exc.connection_invalidated or isinstance(exc, OperationalError)):
            log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc.orig)
            return JSONResponse({"error": "database_unavailable", "message": "the database is unavailable",
                                 "user_message": "市级数据库暂时不可用，数据未保存；稍后会自动重试。"},
                                status_code=503, headers={"Retry-After": "30"})
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        body: dict[str, Any] = {"error": "internal", "message": "internal error, see the city's log",
                                "user_message": "市级接收端内部错误，请稍后重试；如一再出现，请联系市里的技术人员。"}
        return JSONResponse(body, status_code=500)

    return Starlette(
        routes=[
            Route("/v1/health", health, methods=["GET"]),
            Route("/v1/registrations", registrations, methods=["POST"]),
            Route("/v1/batches/{batch_id}", batches, methods=["PUT"]),
            Route("/v1/catalog", catalog, methods=["GET"]),
            Route("/v1/decisions", decisions, methods=["POST"]),
        ],
        exception_handlers={Exception: failure},
    )


CITY_DIR_ENV = "JIANGXIN_CITY_DIR"


def create_app() -> Starlette:
    """The app of one worker process (``serve(workers=N)``): its own receiver for the city folder
    named by ``JIANGXIN_CITY_DIR``, with its own connections to the database."""
    import os

    from jiangxin_desktop.city.keys import load_city
    from jiangxin_desktop.city.receiver import open_receiver

    return build_app(open_receiver(load_city(os.environ[CITY_DIR_ENV])))


def serve(receiver: Receiver, host: str = "127.0.0.1", port: int = 8443, workers: int = 1) -> None:
    """Run the receiver until interrupted (Ctrl+C), HTTPS with the city's certificate.

    With ``workers`` > 1, uvicorn starts that many processes (one core each for decrypting and
    checking batches); the database keeps one station's batches in order across them.
    """
    import os

    import uvicorn

    tls = {"ssl_keyfile": str(receiver.city.tls_key_path), "ssl_certfile": str(receiver.city.tls_cert_path)}
    common = {"host": host, "port": port, "log_level": "info", "lifespan": "off", "timeout_graceful_shutdown": 10}
    if workers <= 1:
        uvicorn.run(build_app(receiver), **common, **tls)
        return
    os.environ[CITY_DIR_ENV] = str(receiver.city.folder)
    receiver.close()  # each worker opens its own
    uvicorn.run("jiangxin_desktop.city.app:create_app", factory=True, workers=workers, **common, **tls)
