"""URLs from a tracker that carry credentials, or lead elsewhere, are never followed or kept.

The config refuses ``user:password@`` in a source URL when it is loaded; these are the
URLs a tracker itself hands out: a redirect's Location, GitHub's ``rel="next"`` page
link, an issue's web link. Before, a same-host redirect with userinfo was followed (and
httpx turned the userinfo into a Basic ``Authorization`` header), a ``next`` link to
another host got the token, and links with credentials were copied into plan and cache.
"""

from __future__ import annotations

import base64
from pathlib import Path

import httpx
import pytest
from hostile import Fake, User, issue

from relplan.planner.domain.errors import SourceError
from relplan.planner.store.cache import Cache

SECRET = "pw-7c1d-never-anywhere"


def _everything(fake: Fake, user: User, message: str = "") -> str:
    """Every request sent (URL and headers), the message, plan file and cache, as text."""
    parts = [message, user.saved or ""]
    for r in fake.seen:
        parts += [str(r.url), repr(dict(r.headers))]
    cache = user.folder / "cache" / "cache.sqlite3"
    if cache.exists():
        parts.append(cache.read_bytes().decode("utf-8", "replace"))
    return "\n".join(parts)


@pytest.mark.parametrize("status", [301, 302, 307])
def test_a_redirect_carrying_credentials_is_not_followed(status: int, tmp_path: Path) -> None:
    def moved(request: httpx.Request) -> httpx.Response | None:
        if request.url.path.endswith("/versions.json") and not request.url.userinfo:
            where = f"https://admin:{SECRET}@redmine.example.org{request.url.path}"
            return httpx.Response(status, headers={"location": where})
        return None

    fake = Fake("redmine", issues=[issue("redmine", 1)], override=moved)
    user = User(fake, tmp_path)
    with pytest.raises(SourceError) as caught:
        user.sync()
    message = str(caught.value)
    assert "with a user name or password in the URL" in message and "not followed" in message
    assert not any(r.url.userinfo for r in fake.seen)
    basic = base64.b64encode(f"admin:{SECRET}".encode()).decode()
    assert basic not in _everything(fake, user, message)
    assert SECRET not in _everything(fake, user, message)


@pytest.mark.parametrize(
    "link",
    [
        "https://evil.example.org/repos/xen/xen/issues?page=2",
        f"https://x:{SECRET}@api.github.com/repos/xen/xen/issues?page=2",
        "http://api.github.com/repos/xen/xen/issues?page=2",
        "https://[api.github.com/repos/xen/xen/issues?page=2",
    ],
)
def test_a_next_page_link_elsewhere_never_gets_the_token(link: str, tmp_path: Path) -> None:
    def linked(request: httpx.Request) -> httpx.Response | None:
        if request.url.path.endswith("/issues") and "page" not in request.url.params:
            return httpx.Response(
                200, json=[issue("github", 1)], headers={"link": f'<{link}>; rel="next"'}
            )
        return None

    fake = Fake("github", override=linked)
    user = User(fake, tmp_path)
    with pytest.raises(SourceError) as caught:
        user.sync()
    assert "not followed" in str(caught.value)
    assert [r.url.host for r in fake.seen] == ["api.github.com"]
    assert all(r.url.scheme == "https" and not r.url.userinfo for r in fake.seen)
    assert SECRET not in _everything(fake, user, str(caught.value))
    assert user.saved is None


@pytest.mark.parametrize("kind", ["github", "gitlab"])
@pytest.mark.parametrize(
    "link",
    [
        f"https://bob:{SECRET}@code.example.org/xen/issues/1",
        f"https://bob:{SECRET}@[code.example.org/xen/issues/1",
        "javascript:alert(document.cookie)",
        "https://code.example.org/xen/issues/1\x1b]2;owned\x07",
    ],
)
def test_an_issue_link_that_is_no_plain_web_link_is_not_kept(
    kind: str, link: str, tmp_path: Path
) -> None:
    field = {"github": "html_url", "gitlab": "web_url"}[kind]
    fake = Fake(kind, issues=[issue(kind, 1, **{field: link}), issue(kind, 2)])
    user = User(fake, tmp_path)
    synced = user.sync()
    assert synced.item(1, kind).url is None and synced.item(2, kind).url
    said = [w for w in synced.warnings if field in w]
    assert len(said) == 1 and "issue 1:" in said[0] and SECRET not in said[0]
    assert SECRET not in _everything(fake, user) and "javascript:" not in (synced.saved or "")
    with Cache.open(tmp_path / "cache") as cache:
        assert {i.url for i in cache.items("xen")} == {None, synced.item(2, kind).url}
