"""The shared HTTP layer, through httpx.MockTransport (no network)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import httpx
import pytest

from relplan.planner.domain.errors import SourceError
from relplan.planner.trackers.base import Conditional, Reporter, SourceConfig
from relplan.planner.trackers.http import HostLimiter, HttpClient, is_loopback, read_token

TOKEN = "s3cr3t-t0ken-value"
CFG = SourceConfig(
    name="xen",
    kind="redmine",
    url="https://tracker.example.org",
    project="xen",
    token_env="XEN_KEY",
)


class Recorder:
    def __init__(self) -> None:
        self.sleeps: list[float] = []
        self.status: list[str] = []

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    @property
    def reporter(self) -> Reporter:
        return Reporter(status=self.status.append)


def client(
    handler: Callable[[httpx.Request], httpx.Response],
    rec: Recorder,
    cfg: SourceConfig = CFG,
    **kw: object,
) -> HttpClient:
    return HttpClient(
        cfg,
        auth={"X-Redmine-API-Key": TOKEN},
        transport=httpx.MockTransport(handler),
        reporter=rec.reporter,
        sleep=rec.sleep,
        clock=lambda: 1000.0,
        **kw,
    )  # type: ignore[arg-type]


async def test_get_json_sends_the_token_header_and_decodes() -> None:
    seen: list[httpx.Request] = []

    def handler(req: httpx.Request) -> httpx.Response:
        seen.append(req)
        return httpx.Response(200, json={"issues": []}, headers={"ETag": '"v1"'})

    async with client(handler, Recorder()) as http:
        res = await http.get_json("issues.json", {"limit": 100})
    assert res.data == {"issues": []}
    assert res.conditional == Conditional('"v1"', '{"issues":[]}')
    assert seen[0].headers["X-Redmine-API-Key"] == TOKEN
    assert str(seen[0].url) == "https://tracker.example.org/issues.json?limit=100"


async def test_5xx_is_retried_with_growing_backoff_then_succeeds() -> None:
    answers = iter([503, 502, 500, 200])

    def handler(req: httpx.Request) -> httpx.Response:
        code = next(answers)
        return httpx.Response(code, json={"ok": code == 200})

    rec = Recorder()
    async with client(handler, rec, backoff=1.0) as http:
        res = await http.get_json("x.json")
        assert http.requests == 4
    assert res.data == {"ok": True}
    assert len(rec.sleeps) == 3
    for n, slept in enumerate(rec.sleeps):  # base 1, 2, 4 plus up to 50% jitter
        assert 2**n <= slept <= 2**n * 1.5
    assert all("retrying" in s for s in rec.status)


async def test_retries_are_bounded_and_the_error_names_the_source() -> None:
    rec = Recorder()
    async with client(lambda r: httpx.Response(500), rec, retries=2) as http:
        with pytest.raises(SourceError) as info:
            await http.get_json("x.json")
        assert http.requests == 3
    assert "HTTP 500" in str(info.value) and "sources.xen" in str(info.value)


async def test_timeouts_are_retried_then_reported_without_the_token() -> None:
    def handler(req: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout(f"timed out {req.headers}", request=req)

    rec = Recorder()
    async with client(handler, rec, retries=1) as http:
        with pytest.raises(SourceError) as info:
            await http.get_json("x.json")
    assert "cannot reach https://tracker.example.org/x.json" in str(info.value)
    assert info.value.__cause__ is None and info.value.__context__ is None
    assert TOKEN not in str(info.value) and len(rec.sleeps) == 1


async def test_429_honours_retry_after_and_says_so() -> None:
    answers = iter(
        [httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, json=[])]
    )
    rec = Recorder()
    async with client(lambda r: next(answers), rec) as http:
        await http.get_json("x.json")
    assert rec.sleeps == [7.0]
    assert rec.status == ["xen: rate limited by tracker.example.org; waiting 7 s (Retry-After: 7)"]


async def test_github_403_rate_limit_waits_until_reset() -> None:
    limited = httpx.Response(
        403, headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1042"}, json={}
    )
    answers = iter([limited, httpx.Response(200, json=[])])
    rec = Recorder()
    async with client(lambda r: next(answers), rec) as http:
        await http.get_json("x.json")
    assert rec.sleeps == [42.0]


async def test_secondary_limit_body_without_headers_waits_a_minute() -> None:
    body = {"message": "You have exceeded a secondary rate limit."}
    answers = iter([httpx.Response(403, json=body), httpx.Response(200, json=[])])
    rec = Recorder()
    async with client(lambda r: next(answers), rec) as http:
        await http.get_json("x.json")
    assert rec.sleeps == [60.0]


async def test_a_rate_limit_longer_than_max_wait_fails_at_once() -> None:
    rec = Recorder()
    answer = httpx.Response(429, headers={"Retry-After": "3600"})
    async with client(lambda r: answer, rec, max_wait=600) as http:
        with pytest.raises(SourceError, match="rate limited"):
            await http.get_json("x.json")
    assert rec.sleeps == []


@pytest.mark.parametrize(
    ("status", "field", "words"),
    [
        (401, "sources.xen.token_env", "check the token in $XEN_KEY"),
        (403, "sources.xen.token_env", "may read project 'xen'"),
        (404, "sources.xen.project", "check project = 'xen'"),
    ],
)
async def test_refusals_name_what_to_check(status: int, field: str, words: str) -> None:
    async with client(lambda r: httpx.Response(status, json={}), Recorder()) as http:
        with pytest.raises(SourceError) as info:
            await http.get_json("projects/xen/issues.json", {"key": TOKEN})
    problem = info.value.problems[0]
    assert problem.field == field and words in (problem.hint or "")
    assert TOKEN not in str(info.value) and "?" not in problem.message


async def test_304_gives_back_the_cached_body() -> None:
    seen: list[str | None] = []

    def handler(req: httpx.Request) -> httpx.Response:
        seen.append(req.headers.get("If-None-Match"))
        return httpx.Response(304, headers={"ETag": '"v1"'})

    cached = Conditional('"v1"', json.dumps({"versions": [1]}))
    async with client(handler, Recorder()) as http:
        res = await http.get_json("versions.json", conditional=cached)
    assert seen == ['"v1"'] and res.not_modified and res.data == {"versions": [1]}


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://tracker.example.org", False),
        ("http://127.0.0.1:3000", True),
        ("http://localhost:8080", True),
        ("http://[::1]:80", True),
        ("https://x.org", True),
    ],
)
async def test_token_never_goes_over_plain_http_except_loopback(url: str, allowed: bool) -> None:
    sent: list[httpx.Request] = []
    cfg = SourceConfig(name="xen", kind="redmine", url=url, project="p", token_env="XEN_KEY")

    def handler(req: httpx.Request) -> httpx.Response:
        sent.append(req)
        return httpx.Response(200, json={})

    if allowed:
        async with client(handler, Recorder(), cfg) as http:
            await http.get_json("a.json")
        assert len(sent) == 1
    else:
        with pytest.raises(SourceError, match="plain http"):
            client(handler, Recorder(), cfg)
        assert sent == []


async def test_anonymous_plain_http_is_fine() -> None:
    cfg = SourceConfig(name="xen", kind="redmine", url="http://tracker.example.org", project="p")
    http = HttpClient(cfg, transport=httpx.MockTransport(lambda r: httpx.Response(200, json=1)))
    async with http:
        assert (await http.get_json("a.json")).data == 1


async def test_at_most_four_requests_in_flight_per_host() -> None:
    limiter = HostLimiter()
    gate = asyncio.Event()

    async def handler(req: httpx.Request) -> httpx.Response:
        if limiter.in_flight["tracker.example.org"] >= 4:
            gate.set()
        await gate.wait()
        return httpx.Response(200, json=req.url.params["n"])

    http = HttpClient(CFG, transport=httpx.MockTransport(handler), limiter=limiter)
    async with http:
        got = await asyncio.gather(*(http.get_json("a.json", {"n": n}) for n in range(20)))
    assert [g.data for g in got] == [str(n) for n in range(20)]
    assert limiter.peak == {"tracker.example.org": 4}


def test_read_token_from_the_named_variable_only() -> None:
    assert read_token(CFG, {"XEN_KEY": TOKEN}) == TOKEN
    assert read_token(SourceConfig(name="a", kind="redmine"), {}) is None
    with pytest.raises(SourceError) as info:
        read_token(CFG, {"OTHER": TOKEN})
    assert "XEN_KEY" in str(info.value) and TOKEN not in str(info.value)


def test_loopback_detection() -> None:
    assert is_loopback("127.0.0.5") and is_loopback("::1") and is_loopback("LOCALHOST")
    assert not is_loopback("10.0.0.1") and not is_loopback("example.org")


async def test_a_non_json_answer_is_a_clear_error() -> None:
    answer = httpx.Response(200, text="<html>login</html>")
    async with client(lambda r: answer, Recorder()) as http:
        with pytest.raises(SourceError, match="did not answer JSON") as info:
            await http.get_json("issues.json")
    assert info.value.__context__ is None


async def test_a_body_echoing_the_token_is_never_kept_for_conditional_requests() -> None:
    answer = httpx.Response(200, json={"user": {"api_key": TOKEN}}, headers={"ETag": '"u"'})
    async with client(lambda r: answer, Recorder()) as http:
        res = await http.get_json("users/current.json")
    assert res.data["user"]["api_key"] == TOKEN and res.conditional is None


async def test_gather_all_raises_the_first_failure_itself_and_cancels_the_rest() -> None:
    from relplan.planner.trackers.http import gather_all

    cancelled = asyncio.Event()

    async def slow() -> int:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return 1

    async def fails() -> int:
        raise SourceError("refused")

    with pytest.raises(SourceError, match="refused"):
        await gather_all(slow(), fails())
    assert cancelled.is_set()
    assert await gather_all(asyncio.sleep(0, result=1), asyncio.sleep(0, result=2)) == [1, 2]
