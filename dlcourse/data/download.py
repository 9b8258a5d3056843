"""Fetching one file safely: timeout, retries with backoff, a check, then an atomic rename.

A course that downloads data must not hang on a dead network, give up on one dropped
connection, or leave half a file that a later run takes for the real one (STYLE.md names the
downloader without timeouts or offline mode among the things not to copy). :func:`fetch` does
the four things that prevent it; :func:`dlcourse.data.load_mnist` uses it with a hash check.
``urllib`` is imported only when a download starts.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["fetch", "is_transient"]


def is_transient(exc: BaseException) -> bool:
    """Whether a failed download is worth retrying: timeouts, resets and server errors.

    HTTP 5xx, 408 (timeout) and 429 (too many requests) are transient; other HTTP errors
    (404…), a host name that does not resolve (the usual sign of a machine without network)
    and a missing local file (``file://`` URLs) are not, so they fail at once.
    """
    import http.client
    import socket
    import urllib.error

    if isinstance(exc, urllib.error.HTTPError):
        return exc.code >= 500 or exc.code in (408, 429)
    if isinstance(exc, urllib.error.URLError):
        permanent = (socket.gaierror, FileNotFoundError, PermissionError, IsADirectoryError)
        return not isinstance(exc.reason, permanent)
    return isinstance(exc, (TimeoutError, ConnectionError, http.client.HTTPException))


def fetch(
    url: str,
    target: str | os.PathLike,
    *,
    check: Callable[[Path], None],
    timeout: float = 30.0,
    retries: int = 3,
    backoff: float = 1.0,
    opener: Callable[..., Any] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Path:
    """Download ``url`` to ``target``, keeping the file only if ``check`` accepts it.

    The bytes go to a hidden temporary file beside ``target``. A transient failure (see
    :func:`is_transient`) is retried up to ``retries`` times, waiting ``backoff · 2^attempt``
    seconds (1 s, 2 s, 4 s by default); then ``check(temporary_path)`` runs (it raises to
    refuse the file, e.g. on a hash mismatch) and only then is the file renamed to ``target``.
    Whatever fails, the temporary file is removed.

    Args:
        url: what to download (``https://``, or ``file://`` for local tests).
        target: where the file ends up; its folder is created if needed.
        check: called with the downloaded file's path; raises to refuse it.
        timeout: seconds to wait on the connection; default 30.
        retries: extra attempts after transient failures; default 3.
        backoff: the first wait in seconds; default 1.
        opener: ``urllib.request.urlopen`` (default) or a stand-in with the same call.
        sleep: ``time.sleep`` (default) or a stand-in.

    Returns:
        ``target`` as a ``Path``.

    Raises:
        The last download error, or whatever ``check`` raised.
    """
    if opener is None:
        import urllib.request

        opener = urllib.request.urlopen
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".part"
    )
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        for attempt in range(retries + 1):
            try:
                with opener(url, timeout=timeout) as response, open(tmp, "wb") as out:
                    shutil.copyfileobj(response, out, 1 << 20)
                break
            except Exception as exc:
                if attempt == retries or not is_transient(exc):
                    raise
                sleep(backoff * 2**attempt)
        check(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target
