"""A development update and its reply are structure, not text (issue 23): no title can
forge an entry, a saved mail is decoded by the email package, and reading any line is
linear."""

from __future__ import annotations

import base64
import dataclasses
from pathlib import Path

from runner import relplan

from relplan.planner.domain.calendar import build_train
from relplan.planner.domain.model import Item, Kind, Prognosis, State
from relplan.planner.outputs.devupdate import parse_update
from relplan.planner.store.demo import DEMO_TODAY, demo_plan
from relplan.planner.store.planfile import dumps_toml, load_plan

FORGED = "Evil\n\n*  Dynamic memory overcommit (done)\n   -  Mallory"
TODAY = DEMO_TODAY.isoformat()


def plan_with(tmp_path: Path, *extra: Item) -> Path:
    plan = demo_plan()
    plan = dataclasses.replace(plan, items=(*plan.items, *extra))
    path = tmp_path / "xen.toml"
    path.write_text(dumps_toml(plan, build_train(plan, DEMO_TODAY)), encoding="utf-8")
    return path


def run(tmp_path: Path, *args: str, timeout: float = 60) -> str:
    done = relplan("--today", TODAY, *args, cwd=tmp_path, timeout=timeout,
                   env={"XDG_CACHE_HOME": str(tmp_path / "cache")})  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def overcommit(path: Path) -> tuple[Prognosis | None, str | None]:
    it = load_plan(path).plan.item("demo#memory-overcommit")
    assert it is not None
    return it.prognosis, it.owner


def test_a_newline_in_a_title_cannot_forge_an_entry(tmp_path: Path) -> None:
    evil = Item("demo#evil", FORGED, kind=Kind.FEATURE, state=State.ACCEPTED, target="4.0.0",
                prognosis=Prognosis.FAIR)  # fmt: skip
    path = plan_with(tmp_path, evil)
    for fmt in ("text", "markdown"):
        run(tmp_path, "--plan", str(path), "report", "--kind", "update", "--format", fmt,
            "-o", f"update-{fmt}.txt", "--force")  # fmt: skip
        sent = (tmp_path / f"update-{fmt}.txt").read_text(encoding="utf-8")
        assert "\n*  Dynamic memory overcommit (done)" not in sent
        assert "\n   -  Mallory" not in sent and "\n- Dynamic memory overcommit (done)" not in sent
        # an unedited, quoted reply changes nothing
        reply = tmp_path / f"reply-{fmt}.txt"
        reply.write_text("".join(f"> {line}\n" for line in sent.splitlines()), encoding="utf-8")
        out = run(tmp_path, "--plan", str(path), "import", str(reply))
        assert "0 changes" in out, out
        assert overcommit(path) == (Prognosis.GOOD, "Dan")


def test_a_reply_line_changes_only_its_own_item_matched_by_id(tmp_path: Path) -> None:
    # a title equal to another item's: the id on the line decides
    twin = Item("demo#twin", "Dynamic memory overcommit", target="4.0.0", state=State.ACCEPTED,
                kind=Kind.FEATURE, prognosis=Prognosis.NONE)  # fmt: skip
    path = plan_with(tmp_path, twin)
    run(tmp_path, "--plan", str(path), "report", "--kind", "update", "-o", "u.txt")
    sent = (tmp_path / "u.txt").read_text(encoding="utf-8")
    line = "*  Dynamic memory overcommit [demo#twin] (none)"
    assert line in sent
    (tmp_path / "r.txt").write_text(sent.replace(line, line.replace("(none)", "(ok)")), "utf-8")
    out = run(tmp_path, "--plan", str(path), "import", "r.txt")
    assert "1 changes" in out, out
    assert load_plan(path).plan.item("demo#twin").prognosis is Prognosis.OK  # type: ignore[union-attr]
    assert overcommit(path) == (Prognosis.GOOD, "Dan")


def mail(body: bytes, encoding: str, charset: str = "utf-8") -> bytes:
    head = (
        "From: Rene <rene@example.org>\nTo: xen-devel@lists.example.org\n"
        "Subject: Re: Xen 4.0.0 development update\nMIME-Version: 1.0\n"
        f"Content-Type: text/plain; charset={charset}\n"
        f"Content-Transfer-Encoding: {encoding}\n\n"
    ).encode("ascii")
    return head + body


def test_a_saved_mail_is_decoded_quoted_printable_base64_and_charsets(tmp_path: Path) -> None:
    path = plan_with(tmp_path)
    entry = (
        "As of 31st August 2009.\n\n*  Dynamic memory overcommit [demo#memory-overcommit] (ok)\n"
    )
    cases = {
        "qp.eml": mail((entry + "   -  Ren=C3=A9\n").encode(), "quoted-printable"),
        "b64.eml": mail(base64.encodebytes((entry + "   -  René\n").encode()), "base64"),
        "latin1.eml": mail((entry + "   -  René\n").encode("latin-1"), "8bit", "iso-8859-1"),
        "delivered.eml": b"Delivered-To: rm@example.org\n"
        + mail((entry + "   -  Ren=E9\n").encode(), "quoted-printable", "iso-8859-1"),
    }
    for name, data in cases.items():
        path.write_text(path.read_text(encoding="utf-8"))  # the same plan each time
        (tmp_path / name).write_bytes(data)
        out = run(tmp_path, "--plan", str(path), "import", name)
        assert "development update of 4.0.0" in out, (name, out)
        assert overcommit(path)[1] == "René", (name, out)
        reset = plan_with(tmp_path)
        assert reset == path


def test_reading_a_reply_is_linear_on_any_line(tmp_path: Path) -> None:
    # "=" * 4,000 took over two minutes (cubic); every line here is 100,000 characters
    n = 100_000
    lines = [
        "=" * n,
        "= " + " " * n + "x",
        "# " + " " * n + "x",
        "*  " + " " * n + "(",
        "*  " + "(" * n,
        "> " * (n // 2) + "x",
        "x" * n + " development",
        "[a#" * (n // 3),
    ]
    reply = "Xen 4.0.0 development update\n\n" + "\n".join(lines) + "\n*  Remus (ok)\n"
    path = plan_with(tmp_path)
    (tmp_path / "long.txt").write_text(reply, encoding="utf-8")
    out = run(tmp_path, "--plan", str(path), "import", "long.txt", timeout=60)
    assert "development update" in out
    assert len(parse_update(reply).entries) == 3
