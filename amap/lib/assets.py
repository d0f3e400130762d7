"""What pages load, kept light: static files under names carrying a hash of their content, cached for a
year, and text responses gzipped on their way out."""

from __future__ import annotations

import hashlib
import re
import zlib
from pathlib import Path, PurePath, PurePosixPath

from litestar import Router, get, head
from litestar.config.compression import CompressionConfig
from litestar.datastructures import CacheControlHeader, MutableScopeHeaders
from litestar.enums import CompressionEncoding
from litestar.exceptions import NotFoundException
from litestar.file_system import BaseLocalFileSystem
from litestar.middleware.compression import CompressionMiddleware
from litestar.params import FromPath
from litestar.response.file import ASGIFileResponse
from litestar.static_files import StaticFiles
from litestar.types import Message, Scope, Send

PREFIX = "/static"
DIGEST_LENGTH = 10
# `app.3f2a9c1b7e.css` stands for `app.css`: the hash goes before the last suffix, so the type stays visible.
FINGERPRINTED = re.compile(rf"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{{{DIGEST_LENGTH}}})(?P<suffix>\.[^./]+)$")
# A fingerprinted name never changes content: a browser keeps it a year without asking again.
FOREVER = CacheControlHeader(public=True, max_age=365 * 24 * 3600, immutable=True).to_header()
# A plain name (`/static/app.css`, typed or in an old page) may change at the next deploy.
BRIEFLY = CacheControlHeader(public=True, max_age=3600).to_header()


def fingerprinted(name: str, hashed: str) -> str:
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}.{hashed}{path.suffix}"))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:DIGEST_LENGTH]


class Assets:
    """The static folder's files, each with the hash of its content, read once at startup (a few
    hundred kilobytes): a file changed on disk takes effect at the next start, as code does."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.digests = {path.relative_to(directory).as_posix(): digest(path)
                        for path in sorted(directory.rglob("*")) if path.is_file()}
        # Every page links five of them: the names are written once rather than at each render.
        self.urls = {name: f"{PREFIX}/{fingerprinted(name, hashed)}" for name, hashed in self.digests.items()}

    def url(self, name: str) -> str:
        """`static_url("app.css")` in templates: `/static/app.3f2a9c1b7e.css`. An unknown name raises
        (a KeyError, so a 500 the tests see) rather than linking to a 404."""
        return self.urls[name]

    def original(self, name: str) -> str | None:
        """The file a fingerprinted name stands for; None for a plain name. A hash that is not the
        file's (a page from before a deploy) is a 404: the old content is gone, and the new content
        must not be kept a year under the old name."""
        match = FINGERPRINTED.match(name)
        if match is None or (original := match["stem"] + match["suffix"]) not in self.digests:
            return None
        if self.digests[original] != match["digest"]:
            raise NotFoundException()
        return original


def static_router(assets: Assets) -> Router:
    """`/static/{file_path}`, as Litestar's own static router serves it (its path checks included),
    with the cache lifetime the name earns."""
    folder = [assets.directory]
    forever = StaticFiles(is_html_mode=False, directories=folder, file_system=BaseLocalFileSystem(),
                          headers={"Cache-Control": FOREVER})
    briefly = StaticFiles(is_html_mode=False, directories=folder, file_system=BaseLocalFileSystem(),
                          headers={"Cache-Control": BRIEFLY})

    async def respond(file_path: PurePath, is_head_response: bool) -> ASGIFileResponse:
        name = file_path.as_posix().lstrip("/")
        original = assets.original(name)
        if original is not None:
            return await forever.handle(path=original, is_head_response=is_head_response)
        return await briefly.handle(path=name, is_head_response=is_head_response)

    @get("/{file_path:path}", name="static")
    async def static_file(file_path: FromPath[PurePath]) -> ASGIFileResponse:
        return await respond(file_path, is_head_response=False)

    @head("/{file_path:path}", name="static_head")
    async def static_file_head(file_path: FromPath[PurePath]) -> ASGIFileResponse:
        return await respond(file_path, is_head_response=True)

    return Router(PREFIX, route_handlers=[static_file, static_file_head], include_in_schema=False)


# Text worth compressing: pages, htmx fragments, CSS, JS, JSON, CSV, iCalendar, SVG. Photos and XLSX
# workbooks are compressed already; gzipping them again would only cost the event loop time.
COMPRESSIBLE = re.compile(r"text/|application/(json|javascript|xml)|application/\S*\+(json|xml)|image/svg\+xml")
GZIP_WBITS = 16 + zlib.MAX_WBITS  # a gzip header and trailer, as GzipFile writes


class TextCompressionMiddleware(CompressionMiddleware):
    """Litestar's compression middleware, for the compressible types only (it would take anything). A body
    sent in one piece (every page and fragment) is gzipped in one zlib call; Litestar's wrapper, which
    builds a GzipFile for every request and flushes it after each piece, serves streamed bodies."""

    def create_compression_send_wrapper(self, send: Send, compression_encoding: str, scope: Scope) -> Send:
        start: Message | None = None  # a compressible response's start, held until its body is seen
        passing: Send | None = None  # once chosen: `send` itself, or Litestar's wrapper

        async def choose(message: Message) -> None:
            nonlocal start, passing
            if passing is not None:
                await passing(message)
            elif message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                if COMPRESSIBLE.match(headers.get("content-type") or "") and "content-encoding" not in headers:
                    start = message
                else:
                    passing = send
                    await send(message)
            elif (message["type"] == "http.response.body" and not message.get("more_body")
                  and compression_encoding == CompressionEncoding.GZIP):
                passing = send
                if len(message["body"]) >= self.config.minimum_size:
                    body = zlib.compress(message["body"], self.config.gzip_compress_level, wbits=GZIP_WBITS)
                    headers = MutableScopeHeaders(start)
                    headers["Content-Encoding"] = compression_encoding
                    headers["Content-Length"] = str(len(body))
                    headers.extend_header_value("vary", "Accept-Encoding")
                    message = {**message, "body": body}
                await send(start)
                await send(message)
            else:  # a streamed body
                passing = super(TextCompressionMiddleware, self).create_compression_send_wrapper(
                    send, compression_encoding, scope)
                if start is not None:
                    await passing(start)
                await passing(message)

        return choose


# Level 1 rather than Litestar's 9: a page of fifty rows (80 KB) gzips to 9.8 KB in 0.14 ms, against
# 8.3 KB in 0.53 ms at level 6, on the event loop that serves every request; the server's CPU is
# what runs out first, and a phone waits longer for the page than for 1.5 KB more of it.
# Below a kilobyte, what gzip saves is not worth its header and its time.
COMPRESSION = CompressionConfig(backend="gzip", gzip_compress_level=1, minimum_size=1024,
                                middleware_class=TextCompressionMiddleware)
