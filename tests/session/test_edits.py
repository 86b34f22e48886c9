"""The edits use case (:mod:`relplan.planner.usecases.edits`) that ``relplan set``/``add``/
``edit`` and the dashboard's ``t``/``B``/``n``/``E`` call: text in, one change and the
guard rails it crosses out, nothing applied."""

from __future__ import annotations

import pytest

from relplan.planner.domain.errors import PlanError
from relplan.planner.domain.model import BackportState, State
from relplan.planner.domain.rules import EOL_RULE, SHIPPED_RULE
from relplan.planner.store.demo import DEMO_TODAY, demo_plan
from relplan.planner.usecases import edits
from relplan.planner.usecases.session import Session


def _session() -> Session:
    return Session(demo_plan(), today=DEMO_TODAY)


def test_set_fields_is_one_change_that_names_every_guard_rail_and_applies_nothing() -> None:
    session = _session()
    before = session.plan
    edit = edits.set_fields(
        session, ["demo#remus", "demo#ioreq-overflow"], target="3.2.0", state="accepted",
        backports=["3.2=done"],
    )  # fmt: skip
    assert session.plan is before  # assembled, not applied
    assert [r.field for r in edit.refusals] == ["target", "backport"]
    assert edit.refusals[0].rule.startswith(SHIPPED_RULE)
    assert set(edit.refusals[0].ids) == {"demo#remus", "demo#ioreq-overflow"}
    assert edit.refusals[1].rule.startswith(f"3.2={BackportState.DONE}: {EOL_RULE}")
    with pytest.raises(PlanError) as caught:
        edit.checked(force=False)
    assert [p.field for p in caught.value.problems] == ["target", "backport"]
    change = edit.checked(force=True)
    remus = change.plan.item("demo#remus")
    assert remus is not None and (remus.target, remus.state) == ("3.2.0", State.ACCEPTED)


@pytest.mark.parametrize("text", ["", "-", "none"])
def test_no_target_unschedules_without_asking(text: str) -> None:
    edit = edits.set_fields(_session(), ["demo#remus"], target=text)
    remus = edit.change.plan.item("demo#remus")
    assert edit.refusals == () and remus is not None and remus.target is None


def test_bad_text_is_named_by_field() -> None:
    session = _session()
    with pytest.raises(PlanError) as caught:
        edits.set_fields(session, ["demo#remus"], backports=["3.2:done"])
    assert caught.value.problems[0].field == "backport"
    with pytest.raises(PlanError) as caught:
        edits.add_item(session, {"title": "x", "kind": "featur", "target": "9.9"})
    assert {p.field for p in caught.value.problems} == {"kind", "target"}
    with pytest.raises(PlanError) as caught:
        edits.add_item(session, {"title": "again"}, item_id="demo#remus")
    assert caught.value.problems[0].field == "id"


def test_a_target_the_item_keeps_is_never_refused() -> None:
    session = _session()  # remus targets 4.0.0, frozen: a feature may stay there
    edit = edits.edit_item(session, "demo#remus", {"title": "Remus", "target": "4.0.0"})
    assert edit.refusals == () and not edit.change.is_noop
