"""The one async HTTP layer all tracker adapters share (httpx underneath).

:class:`HttpClient` is made per source and gives adapters one call,
:meth:`HttpClient.get_json`, that:

- keeps at most ``max_per_host`` (4) requests in flight per host; clients of
  one sync share a :class:`HostLimiter`, so two sources on one forge share it;
- retries 5xx answers, timeouts and connection errors with exponential backoff
  plus jitter, a bounded number of times;
- waits out rate limits (429, and GitHub's 403 with ``Retry-After``,
  ``x-ratelimit-remaining: 0`` or a "secondary rate limit" / "abuse detection"
  / "rate limit exceeded" message) as long as ``Retry-After`` or
  ``x-ratelimit-reset`` says (without either: relplan's own
  :data:`DEFAULT_LIMIT_WAIT`, and it says so), up to ``max_wait`` seconds and
  ``retries`` times, telling the reporter;
- follows a redirect of a GET to the same scheme and host (a renamed GitHub
  repository answers 301), telling the reporter and keeping a note in
  :attr:`HttpClient.notes` that names the new location; a redirect elsewhere is
  an error naming it (the token never follows); a URL carrying a user name or
  password (a redirect's Location, a page link) is never followed, and is
  named in messages without them;
- reads bodies as the tracker sent them, but a body it cannot decode (a bogus
  gzip, JSON nested too deep to read) is an error naming the URL, and numbers
  of more than 100 digits are read as floats (no field takes them);
- sends ``If-None-Match`` for a :class:`~relplan.planner.trackers.base.Conditional`
  and turns a 304 into the cached body;
- turns 401/403/404 and other refusals into a :class:`SourceError` that names
  the source and what to check;
- writes (:meth:`HttpClient.write_json`: PUT, PATCH, POST of tracker changes) are
  never retried after a timeout or a 5xx (the tracker may have taken them) and
  never follow redirects; a 401/403 on a write says the token lacks write access,
  naming its variable; a 412 (``If-Match`` no longer matches) raises
  :class:`Precondition`;
- reads the token only from the environment variable named by ``token_env``,
  refuses to send it over plain ``http://`` except to loopback, and keeps it
  out of every message and exception (httpx errors are never chained).

Tests swap the network for ``httpx.MockTransport`` via ``transport=``, and
``sleep``/``clock`` for fakes.
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import json
import os
import random
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from relplan.planner.domain.errors import Problem, SourceError
from relplan.planner.trackers.base import Conditional, Reporter, SourceConfig

if TYPE_CHECKING:
    import httpx

USER_AGENT = "relplan/0.1 (+release planning dashboard)"
RETRY_STATUS = frozenset({500, 502, 503, 504})
REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
DEFAULT_LIMIT_WAIT = 60.0
"""Seconds relplan waits on a rate limit that names no time (GitHub's advice for its
secondary limit: at least a minute)."""
_LIMIT_WORDS = ("secondary rate limit", "abuse detection", "rate limit exceeded")
PAGE_WINDOW = 4
"""Pages of one list asked at once (the host limiter allows as many)."""
T = TypeVar("T")


def loads(text: str) -> Any:
    """JSON as a tracker sent it; an integer of more than 100 digits is read as a float
    (no field takes one, and Python refuses to read one of 4,300). Raises ValueError, or
    RecursionError for nesting too deep to read."""
    return json.loads(text, parse_int=_parse_int)


def _parse_int(digits: str) -> int | float:
    return int(digits) if len(digits) <= 100 else float(digits)


def header_number(text: str | None) -> int | None:
    """A count or page number from a header or query (``42``); None for anything else
    (an empty string, ``²``, a number of more digits than a count can have)."""
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def read_token(config: SourceConfig, env: Mapping[str, str] | None = None) -> str | None:
    """The token from the variable named by ``token_env`` (None when no variable is named).

    A named but unset/empty variable is an error naming the variable, never a value.
    """
    if not config.token_env:
        return None
    value = (os.environ if env is None else env).get(config.token_env, "").strip()
    if not value:
        raise SourceError(
            config.problem(
                f"environment variable {config.token_env} is not set or empty",
                "token_env",
                hint=f"export {config.token_env}=<your API token>, or remove token_env",
            )
        )
    return value


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (where plain http may carry a token)."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_transport_security(config: SourceConfig, url: str, has_token: bool) -> None:
    """Refuse to send a token over plain http:// unless the host is loopback."""
    parts = urlsplit(url)
    if has_token and parts.scheme == "http" and not is_loopback(parts.hostname or ""):
        raise SourceError(
            config.problem(
                f"refusing to send the token from {config.token_env} over plain http:// "
                f"to {parts.hostname}",
                "url",
                hint="use an https:// URL",
            )
        )


class HostLimiter:
    """At most ``per_host`` requests in flight per host, shared by every client of a sync."""

    def __init__(self, per_host: int = 4) -> None:
        self.per_host = per_host
        self._sems: dict[str, asyncio.Semaphore] = {}
        self.in_flight: dict[str, int] = {}
        self.peak: dict[str, int] = {}

    def slot(self, host: str) -> _Slot:
        """An async context manager holding one of the host's slots."""
        if host not in self._sems:
            self._sems[host] = asyncio.Semaphore(self.per_host)
        return _Slot(self, host, self._sems[host])


class _Slot:
    def __init__(self, limiter: HostLimiter, host: str, sem: asyncio.Semaphore) -> None:
        self.limiter, self.host, self.sem = limiter, host, sem

    async def __aenter__(self) -> None:
        await self.sem.acquire()
        n = self.limiter.in_flight.get(self.host, 0) + 1
        self.limiter.in_flight[self.host] = n
        self.limiter.peak[self.host] = max(n, self.limiter.peak.get(self.host, 0))

    async def __aexit__(self, *exc: object) -> None:
        self.limiter.in_flight[self.host] -= 1
        self.sem.release()


class TrackerRefused(SourceError):
    """A refusal other than 401/403/404 (e.g. 400); ``status`` lets an adapter explain it."""

    def __init__(self, status: int, problem: Problem) -> None:
        super().__init__(problem)
        self.status = status


class Precondition(SourceError):
    """A conditional write refused with HTTP 412: the record changed since it was read."""


@dataclass(frozen=True, slots=True)
class JsonResponse:
    """A decoded answer: ``data`` (from the cache on 304), headers, and the validator."""

    url: str
    status: int
    data: Any
    headers: Mapping[str, str]
    conditional: Conditional | None
    not_modified: bool = False


Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class RateLimit:
    """A rate-limit answer: how long to wait, who said so (None: relplan's default), which."""

    seconds: float
    said_by: str | None
    kind: str

    def why(self) -> str:
        """Where the wait comes from, for messages."""
        if self.said_by is None:
            return "relplan's default wait; the tracker named no time"
        return self.said_by

    @property
    def which(self) -> str:
        """`` (secondary rate limit)`` for GitHub's secondary limit, else nothing."""
        return f" ({self.kind})" if self.kind != "rate limit" else ""


class HttpClient:
    """HTTP for one source; see the module docstring for what it guarantees.

    ``auth`` are the headers carrying the token (built by the adapter's
    ``auth_headers``); ``has_token`` tells the security check whether to
    look at the scheme. ``requests`` counts requests sent (every retry, every 304).
    """

    def __init__(
        self,
        config: SourceConfig,
        *,
        auth: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        limiter: HostLimiter | None = None,
        reporter: Reporter | None = None,
        retries: int = 4,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        max_wait: float = 900.0,
        timeout: float = 30.0,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        # start-up: httpx (~60 ms), only once a request is made; the adapters import this module
        import httpx

        self.config = config
        self._auth = dict(auth or {})
        self.limiter = limiter or HostLimiter()
        self.reporter = reporter or Reporter()
        self.retries, self.backoff, self.max_backoff = retries, backoff, max_backoff
        self.max_wait, self._sleep, self._clock = max_wait, sleep, clock
        self.requests = 0
        self.notes: list[Problem] = []
        check_transport_security(config, config.api_url, bool(self._auth))
        self._client = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        )

    async def __aenter__(self) -> HttpClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()

    @property
    def authenticated(self) -> bool:
        """True when requests carry a token (adapters may then verify it)."""
        return bool(self._auth)

    def url(self, path: str) -> str:
        """An absolute URL: ``path`` joined to the source's base URL unless already absolute."""
        if path.startswith(("http://", "https://")):
            return path
        return self.config.api_url + "/" + path.lstrip("/")

    async def get_json(
        self,
        url: str,
        params: Mapping[str, str | int] | None = None,
        conditional: Conditional | None = None,
    ) -> JsonResponse:
        """GET ``url`` (absolute or relative to the source URL) and decode JSON.

        With ``conditional``, sends ``If-None-Match`` and answers a 304 with its
        cached body (``not_modified=True``). Raises :class:`SourceError` for
        refusals, unreadable bodies, and failures that outlast the retries.
        """
        full = self._checked(self.url(url))
        host = urlsplit(full).hostname or ""
        check_transport_security(self.config, full, bool(self._auth))
        headers = dict(self._auth)
        if conditional:
            headers["If-None-Match"] = conditional.etag
        response = await self._send(full, host, params, headers)
        if response.status_code == 304 and conditional:
            return JsonResponse(
                str(response.url),
                304,
                loads(conditional.body),
                response.headers,
                conditional,
                not_modified=True,
            )
        if response.status_code != 200:
            raise self._refusal(response)
        text = response.text
        data = self._decode(response)
        etag = response.headers.get("etag")
        # a body that echoes the token (Redmine's /users/current.json does) is never kept
        keep = etag and not any(v and v in text for v in self._auth.values())
        cond = Conditional(etag, text) if keep else None
        return JsonResponse(str(response.url), 200, data, response.headers, cond)

    async def post_json(self, url: str, body: Mapping[str, Any]) -> JsonResponse:
        """POST a JSON ``body`` (a read-only query, e.g. Jira's search) and decode JSON.

        Same limits, retries, rate-limit waits and refusal messages as :meth:`get_json`;
        no conditional request.
        """
        full = self._checked(self.url(url))
        check_transport_security(self.config, full, bool(self._auth))
        response = await self._send(
            full, urlsplit(full).hostname or "", None, dict(self._auth), body=body
        )
        if response.status_code != 200:
            raise self._refusal(response)
        data = self._decode(response)
        return JsonResponse(str(response.url), 200, data, response.headers, None)

    async def write_json(
        self,
        method: str,
        url: str,
        body: Mapping[str, Any],
        headers: Mapping[str, str] | None = None,
    ) -> JsonResponse:
        """Send a change (``PUT``, ``PATCH``, ``POST``) as JSON; decode the answer if any.

        Rate limits are waited out like reads; timeouts, connection errors and 5xx
        answers are not retried (the tracker may have applied the change) but raised
        as a SourceError. 401/403 say the token in ``token_env`` may not write; 412
        raises :class:`Precondition`; other refusals carry the tracker's own message.
        """
        full = self.url(url)
        check_transport_security(self.config, full, bool(self._auth))
        response = await self._send(
            full,
            urlsplit(full).hostname or "",
            None,
            {**self._auth, **dict(headers or {})},
            body=body,
            method=method,
            retry=False,
        )
        if response.status_code not in (200, 201, 204):
            raise self._write_refusal(method, response)
        data = self._decode(response) if response.content.strip() else None
        return JsonResponse(str(response.url), response.status_code, data, response.headers, None)

    def _write_refusal(self, method: str, response: httpx.Response) -> SourceError:
        status, url, cfg = response.status_code, _public(response.url), self.config
        var = cfg.token_env
        said = self._tracker_says(response)
        if status in (401, 403):
            hint = (
                f"the token in ${var} needs write access (scope/permission to edit issues "
                f"of {cfg.project!r})"
                if var
                else "pushing needs a token with write access: set token_env"
            )
            what = "refused the credentials" if status == 401 else "refused the change"
            return SourceError(
                cfg.problem(
                    f"the tracker {what} (HTTP {status} on {method} {url}){said}", "token_env", hint
                )
            )
        if status == 412:
            return Precondition(
                cfg.problem(
                    f"{url} changed since relplan read it (HTTP 412 on {method})", hint="push again"
                )
            )
        if status in RETRY_STATUS or status in REDIRECT_STATUS:
            return TrackerRefused(
                status,
                cfg.problem(
                    f"the tracker answered HTTP {status} to {method} {url}{said}",
                    "url",
                    hint="the change may or may not have been made; the next sync shows it",
                ),
            )
        return TrackerRefused(
            status,
            cfg.problem(f"the tracker refused {method} {url} (HTTP {status}){said}", hint=None),
        )

    def _tracker_says(self, response: httpx.Response) -> str:
        """The tracker's own error text, shortened and without anything token-like."""
        try:
            data = json.loads(response.text)
        except ValueError:
            return ""
        texts: list[str] = []
        _error_texts(data, texts)
        text = "; ".join(dict.fromkeys(t.strip() for t in texts if t.strip()))[:300]
        if not text or any(v and v in text for v in self._auth.values()):
            return ""
        return f": {text}"

    def _decode(self, response: httpx.Response) -> Any:
        """The JSON body, or a SourceError saying the URL is not the tracker's API."""
        try:
            return loads(response.text)
        except ValueError:
            what = "did not answer JSON"
        except RecursionError:
            what = "answered JSON nested too deeply to read"
        raise SourceError(
            self.config.problem(
                f"{_public(response.url)} {what}",
                "url",
                hint="check that url points at the tracker's web root; nothing was changed",
            )
        )

    def _checked(self, url: str) -> str:
        """``url``, unless it carries a user name or password or is no URL (SourceError)."""
        # start-up: httpx (~60 ms), only once a request is made; the adapters import this module
        import httpx

        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, ValueError):
            parsed = None
        if parsed is None or parsed.scheme not in ("http", "https") or not parsed.host:
            raise SourceError(
                self.config.problem(
                    f"the tracker pointed to {_public(url)!r}, which is no http(s) URL; "
                    "not followed",
                    "url",
                    hint="nothing was changed",
                )
            )
        if parsed.userinfo:
            raise SourceError(
                self.config.problem(
                    f"the tracker pointed to {_public(url)} with a user name or password in "
                    "the URL; not followed",
                    "url",
                    hint="relplan sends credentials only from token_env; nothing was changed",
                )
            )
        return url

    async def _send(
        self,
        url: str,
        host: str,
        params: Mapping[str, str | int] | None,
        headers: Mapping[str, str],
        body: Mapping[str, Any] | None = None,
        method: str | None = None,
        retry: bool = True,
    ) -> httpx.Response:
        # start-up: httpx (~60 ms), only once a request is made; the adapters import this module
        import httpx

        method = method or ("GET" if body is None else "POST")
        failures = waits = hops = 0
        while True:
            error = None
            try:
                async with self.limiter.slot(host):
                    self.requests += 1
                    response = await self._client.request(
                        method, url, params=params, headers=headers, json=body
                    )
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                error = type(exc).__name__  # the exception holds the request and its headers
            except httpx.DecodingError:  # a body its Content-Encoding does not describe
                error = "DecodingError"
            if error is not None:  # raised outside the except: no __context__ to leak
                failures += 1
                if not retry:
                    raise self._unanswered(url, method, error)
                if failures > self.retries:
                    raise self._unreachable(url, error)
                await self._pause(self._backoff(failures), f"{error}; retrying")
                continue
            limit = self._rate_limit_wait(response)
            if limit is not None:
                waits += 1
                if limit.seconds > self.max_wait or waits > self.retries:
                    raise self._rate_limited(limit, waits)
                await self._pause(
                    limit.seconds,
                    f"rate limited by {host}{limit.which}; "
                    f"waiting {limit.seconds:.0f} s ({limit.why()})",
                )
                continue
            if response.status_code in REDIRECT_STATUS and body is None and hops < MAX_REDIRECTS:
                moved = self._redirect(response)
                if moved is not None:
                    hops += 1
                    url = moved
                    continue
            if response.status_code in RETRY_STATUS:
                failures += 1
                if failures > self.retries or not retry:
                    return response
                await self._pause(self._backoff(failures), f"HTTP {response.status_code}; retrying")
                continue
            return response

    def _backoff(self, failures: int) -> float:
        base: float = min(self.max_backoff, self.backoff * 2.0 ** (failures - 1))
        return base + random.uniform(0, base / 2)

    async def _pause(self, seconds: float, why: str) -> None:
        self.reporter.status(f"{self.config.name}: {why}")
        await self._sleep(seconds)

    def _redirect(self, response: httpx.Response) -> str | None:
        """The URL to follow for a redirect to the same scheme and host (noted), else None."""
        # start-up: httpx (~60 ms), only once a request is made; the adapters import this module
        import httpx

        location = response.headers.get("location")
        if not location:
            return None
        old = response.url
        try:
            new = old.join(location)
        except (httpx.InvalidURL, ValueError):
            return None
        if (new.scheme, new.host, new.port) != (old.scheme, old.host, old.port) or new.userinfo:
            return None  # elsewhere, or carrying credentials: never followed
        status = response.status_code
        text = f"{_public(old)} moved to {_public(new)} (HTTP {status})"
        self.reporter.status(f"{self.config.name}: {text}; following")
        if status in (301, 308) and not self.notes:  # one move, said once per source
            self.notes.append(
                self.config.problem(
                    f"{text}; relplan followed it",
                    "project",
                    hint=f"the project moved: update project = {self.config.project!r} (or url) "
                    "in the config to its new name",
                )
            )
        return str(new)

    def _rate_limit_wait(self, response: httpx.Response) -> RateLimit | None:
        """How long to wait when the answer is a rate limit, else None."""
        status, h = response.status_code, response.headers
        said = response.text[:2000].lower() if status in (403, 429) else ""
        kind = "secondary rate limit" if "secondary" in said or "abuse" in said else "rate limit"
        if status == 403:
            limited = (
                h.get("retry-after")
                or h.get("x-ratelimit-remaining") == "0"
                or any(w in said for w in _LIMIT_WORDS)
            )
            if not limited:
                return None
        elif status != 429:
            return None
        retry_after = (h.get("retry-after") or "").strip()
        seconds = header_number(retry_after)
        if seconds is not None:
            return RateLimit(float(seconds), f"Retry-After: {retry_after}", kind)
        if retry_after:
            try:
                when = email.utils.parsedate_to_datetime(retry_after).timestamp()
                return RateLimit(max(0.0, float(when - self._clock())), "Retry-After", kind)
            except (TypeError, ValueError, OverflowError):
                pass
        reset = header_number(h.get("x-ratelimit-reset"))
        if reset is not None:
            return RateLimit(
                max(1.0, float(reset) - self._clock()), "until x-ratelimit-reset", kind
            )
        return RateLimit(DEFAULT_LIMIT_WAIT, None, kind)

    def _rate_limited(self, limit: RateLimit, waits: int) -> SourceError:
        token = "" if self.config.token_env else "; a token raises the limit (token_env)"
        if limit.seconds > self.max_wait:
            message = (
                f"rate limited{limit.which}: the tracker asks to wait "
                f"{limit.seconds:.0f} s ({limit.said_by or 'its default'}), longer than "
                f"relplan waits ({self.max_wait:.0f} s)"
            )
        else:
            message = (
                f"rate limited{limit.which}: still limited after {waits - 1} wait(s) of "
                f"{limit.seconds:.0f} s ({limit.why()})"
            )
        return SourceError(
            self.config.problem(
                message, "token_env", hint="sync again later; nothing was changed" + token
            )
        )

    def _unanswered(self, url: str, method: str, error: str) -> SourceError:
        return SourceError(
            self.config.problem(
                f"no answer to {method} {_public(url)} ({error})",
                "url",
                hint="the change may or may not have been made; the next sync shows it",
            )
        )

    def _unreachable(self, url: str, error: str) -> SourceError:
        if error == "DecodingError":
            return SourceError(
                self.config.problem(
                    f"the answer of {_public(url)} could not be decoded (its Content-Encoding "
                    "does not match the body)",
                    "url",
                    hint="a proxy or the tracker sent a broken body; try again later; "
                    "nothing was changed",
                )
            )
        return SourceError(
            self.config.problem(
                f"cannot reach {_public(url)} ({error})",
                "url",
                hint="check the URL and the network; nothing was changed",
            )
        )

    def _refusal(self, response: httpx.Response) -> SourceError:
        status, url, cfg = response.status_code, _public(response.url), self.config
        var = cfg.token_env
        if status == 401:
            hint = (
                f"check the token in ${var}"
                if var
                else "this tracker needs a token: set token_env to a variable holding it"
            )
            return SourceError(
                cfg.problem(
                    f"the tracker refused the credentials (HTTP 401) at {url}", "token_env", hint
                )
            )
        if status == 403:
            hint = (
                f"check that the token in ${var} may read project {cfg.project!r}"
                if var
                else f"project {cfg.project!r} may need a token (token_env)"
            )
            return SourceError(cfg.problem(f"access denied (HTTP 403) at {url}", "token_env", hint))
        if status == 404:
            return SourceError(
                cfg.problem(
                    f"not found (HTTP 404): {url}",
                    "project",
                    hint=f"check project = {cfg.project!r} and url = {cfg.url!r}"
                    + (f" (and that ${var} may see it)" if var else ""),
                )
            )
        if status in REDIRECT_STATUS:
            moved, userinfo = _location(response)
            why = " with a user name or password in the URL" if userinfo else ""
            return TrackerRefused(
                status,
                cfg.problem(
                    f"{url} moved to {moved}{why} (HTTP {status}); not followed",
                    "url",
                    hint="relplan follows redirects only to the same host and only for reads (the "
                    "token never goes elsewhere): update url/project in the config if the move is "
                    "right; nothing was changed",
                ),
            )
        return TrackerRefused(
            status,
            cfg.problem(
                f"the tracker answered HTTP {status} at {url}",
                "url",
                hint="try again later; nothing was changed",
            ),
        )


def _error_texts(data: Any, out: list[str]) -> None:
    """Collect error strings from the trackers' error bodies: GitHub/GitLab ``message``
    and ``errors``, Redmine ``errors``, Jira ``errorMessages`` and ``errors``, Bugzilla
    ``message``."""
    if isinstance(data, str):
        out.append(data)
    elif isinstance(data, list):
        for value in data[:5]:
            _error_texts(value, out)
    elif isinstance(data, Mapping):
        for key in ("message", "errorMessages", "errors", "error", "error_description", "code"):
            value = data.get(key)
            if key == "code" and isinstance(data.get("field"), str):
                out.append(f"{data['field']} {value}")  # GitHub: {"field": ..., "code": ...}
            elif key == "errors" and isinstance(value, Mapping):
                out.extend(f"{k}: {v}" for k, v in list(value.items())[:5])
            elif key != "code" and value is not None and not isinstance(value, bool):
                _error_texts(value, out)


async def gather_all(*aws: Awaitable[T]) -> list[T]:
    """Run awaitables concurrently; on the first failure cancel the rest and raise it.

    Unlike ``asyncio.TaskGroup`` the failure is raised as itself (a SourceError
    stays a SourceError), not wrapped in an ExceptionGroup.
    """
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(_as_coroutine(a)) for a in aws]
    except BaseExceptionGroup as failures:
        first = next(
            (e for e in failures.exceptions if isinstance(e, SourceError)), failures.exceptions[0]
        )
        raise first from None
    return [t.result() for t in tasks]


async def _as_coroutine(aw: Awaitable[T]) -> T:
    return await aw


async def pages_until_empty(
    pages: Iterable[T], fetch: Callable[[T], Awaitable[bool]], window: int = PAGE_WINDOW
) -> None:
    """Fetch ``pages`` in order, at most ``window`` at once, until one is empty.

    ``fetch(page)`` reads one page and returns False when it held nothing: no page
    after it is asked then, and those already asked are read to the end. Pages
    are taken from ``pages`` only as they are asked, so a tracker claiming 10^8 pages
    costs what it actually answers, at most ``window - 1`` requests more. The first
    failure cancels the pages in flight and is raised as itself; so is a cancellation
    (ctrl+c).
    """
    ahead = iter(pages)
    running: set[asyncio.Task[bool]] = set()
    more = True
    try:
        while True:
            while more and len(running) < window:
                page = next(ahead, None)  # pages are numbers or tokens, never None
                if page is None:
                    more = False
                    break
                running.add(asyncio.ensure_future(fetch(page)))
            if not running:
                return
            done, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            failed = [t.exception() for t in done if t.exception() is not None]
            if failed:
                raise failed[0]  # type: ignore[misc]  # an exception, never None here
            if not all(t.result() for t in done):
                more = False
    finally:
        for task in running:
            task.cancel()
        if running:
            await asyncio.wait(running)


def _location(response: httpx.Response) -> tuple[str, bool]:
    """Where a redirect points, for a message (without credentials), and whether the
    Location carried a user name or password."""
    # start-up: httpx (~60 ms), only once a request is made; the adapters import this module
    import httpx

    where = response.headers.get("location")
    if not where:
        return "an unnamed place", False
    try:
        new = response.url.join(where)
    except (httpx.InvalidURL, ValueError):
        return "an unusable URL", False
    return _public(new), bool(new.userinfo)


def _public(url: object) -> str:
    """A URL fit for a message: no query string (it may hold filters or keys), no userinfo."""
    try:
        parts = urlsplit(str(url))
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # an unbalanced [ in the host, a port that is no number
        return "an unusable URL"
    return f"{parts.scheme}://{host}{port}{parts.path}"
