"""Draws in the database: manifests from the directories, commit before entropy, results written,
bundles that the standalone verifier re-computes (Art. 13, 14)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.actors import Actor
from services.draws import (
    DrawRefused,
    DrawService,
    _canonical,
    allocate,
    drand_source,
    months_before,
    witnessed_source,
)
from services.errors import IllegalTransition, ValidationFailed
from storage.models import (
    AuditEvent,
    Conflict,
    Draw,
    DrawManifest,
    Inspector,
    Subject,
    Task,
    TaskSubject,
    Team,
    TeamMember,
)
from tests.db.workflow_data import (
    Directory,
    approved_task,
    build_directory,
    mark_inspected,
    secret_source,
)
from tests.services import draw_service, task_service
from verifier import verify_draw

# a verbatim copy of ../shared/testdata/drand-quicknet.json, so that any clone runs these tests
DRAND = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "drand-quicknet.json").read_text("utf-8"))


OP = Actor.system("o")
ORGANISER = Actor.system("organiser")


async def _setup(session: AsyncSession, clock: Any, **changes: Any) -> tuple[Directory, int]:
    directory = await build_directory(session)
    a = directory.subjects["A"]
    await session.execute(update(Subject).where(Subject.id == a[0]).values(active=False))
    await session.execute(update(Subject).where(Subject.id == a[1]).values(
        status="deregistered"))
    await session.commit()
    await mark_inspected(session, a[2], "SC-01", dt.date(2025, 6, 1))  # within 12 months
    await mark_inspected(session, a[3], "SC-01", dt.date(2024, 6, 1))  # long ago: drawable
    await mark_inspected(session, a[4], "SC-02", dt.date(2025, 12, 1))  # another item
    task_id = await approved_task(session, clock, **changes)
    return directory, task_id


async def _draw(draws: DrawService, view_coro: Any, secret: str) -> Any:
    view = await view_coro
    return await draws.complete(view.id, {"type": "operator-secret", "secret": secret},
                                actor=ORGANISER)


async def _all_draws(session: AsyncSession, clock: Any, draws: DrawService, task_id: int
                     ) -> None:
    await _draw(draws, draws.commit_subjects(task_id, secret_source("s1"), ORGANISER), "s1")
    for n, dept in enumerate(("SCJG", "SThJ", "YJGL")):
        await _draw(draws, draws.commit_inspectors(task_id, dept, secret_source(f"i{n}"),
                                                   Actor.system(f"{dept}-admin")), f"i{n}")
    await _draw(draws, draws.commit_matching(task_id, secret_source("m"), ORGANISER), "m")


def test_allocation_rounding_rule() -> None:
    sizes = {"A": 9, "B": 12, "C": 2, "D": 0}
    sample = {"A": {"ratio": "0.25"}, "B": {"ratio": "0.05"}, "C": {"count": 3},
              "D": {"ratio": "0.5"}}
    # 2.25 → 3, 0.6 → 1 (the ratio is a minimum share), a count is capped at the stratum
    assert allocate(sizes, sample) == {"A": 3, "B": 1, "C": 2, "D": 0}
    assert allocate({"A": 10}, {"A": {"ratio": "0.3"}}) == {"A": 3}  # exact: no float 3.0000001


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**7),
       st.decimals(min_value=Decimal("0.0001"), max_value=1, places=4),
       st.integers(min_value=0, max_value=10**7))
def test_allocation_is_the_smallest_count_meeting_the_ratio(size: int, ratio: Decimal,
                                                             count: int) -> None:
    got = allocate({"A": size, "B": size}, {"A": {"ratio": str(ratio)}, "B": {"count": count}})
    # never more than the stratum; at least the ratio; one fewer would fall short of it
    assert 0 <= got["A"] <= size
    assert got["A"] >= ratio * size
    assert got["A"] == 0 or got["A"] - 1 < ratio * size
    assert got["B"] == min(count, size)


def test_service_canonical_json_is_the_engines_byte_for_byte() -> None:
    """The service encodes manifests with orjson; the verifier hashes json's canonical text."""
    every_character = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    value = {
        "text": every_character,
        "pool": {"B": [3, 2**63 - 1], "A": [0, 1, 2]},
        "nested": [{"z": True, "a": None, "m": False}, [], {}, -7, ""],
        "中文": "企业\u2028\"\\",
    }
    assert _canonical(value) == verify_draw.canonical_json(value)


def test_months_before() -> None:
    assert months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2026, 3, 2), 12) == dt.date(2025, 3, 2)
    assert months_before(dt.date(2026, 1, 15), 24) == dt.date(2024, 1, 15)


async def test_every_subject_not_drawable_is_excluded_with_what_it_is(
    session: AsyncSession, clock
) -> None:
    """Inactive and a status that says more: the status; inactive alone: "inactive"; an active
    directory row with a non-drawable status: its status; the rest form the pool."""
    directory = await build_directory(session)
    b = directory.subjects["B"]
    await session.execute(update(Subject).where(Subject.id == b[0]).values(
        active=False, status="revoked"))
    await session.execute(update(Subject).where(Subject.id == b[1]).values(active=False))
    await session.execute(update(Subject).where(Subject.id == b[2]).values(status="moved_out"))
    await session.commit()
    task_id = await approved_task(session, clock)
    committed = await draw_service(session, clock).commit_subjects(
        task_id, secret_source("s"), ORGANISER)
    manifest = await draw_service(session, clock).manifest(committed.id)
    reasons = {e["id"]: e["reason"] for e in manifest["exclusions"]}
    assert [reasons.get(sid) for sid in b[:3]] == ["revoked", "inactive", "moved_out"]
    assert manifest["pool"]["B"] == sorted(b[3:])
    assert committed.summary["excluded"] == {"revoked": 1, "inactive": 1, "moved_out": 1}


async def test_subjects_draw_commits_before_entropy_and_writes_rows(
    session: AsyncSession, clock
) -> None:
    directory, task_id = await _setup(session, clock)
    draws = draw_service(session, clock)
    committed = await draws.commit_subjects(task_id, secret_source("open sesame"), ORGANISER)
    assert committed.status == "committed"
    manifest = await draws.manifest(committed.id)
    assert verify_draw.commitment(manifest) == committed.commitment
    stored = await session.scalar(
        select(DrawManifest.text).where(DrawManifest.draw_id == committed.id))
    assert stored is not None
    assert stored.encode() == verify_draw.canonical_json(manifest)  # byte for byte
    a = directory.subjects["A"]
    assert manifest["exclusions"] == [
        {"id": a[0], "reason": "inactive"},
        {"id": a[1], "reason": "deregistered"},
        {"id": a[2], "reason": "inspected-within-12-months:SC-01"},
    ]
    assert a[3] in manifest["pool"]["A"]
    assert a[4] in manifest["pool"]["A"]
    assert {k: len(v) for k, v in manifest["pool"].items()} == {"A": 9, "B": 12, "C": 12,
                                                                 "D": 12}
    # ceil(0.25 × 9) = 3, ceil(0.25 × 12) = 3, counts as given
    assert manifest["allocation"] == {"A": 3, "B": 3, "C": 3, "D": 4}
    assert manifest["parameters"]["inspected_since"] == "2025-03-02"
    assert manifest["committed_at"] == "2026-03-02T01:00:00Z"
    # the commitment is in the audit trail, and nothing has been drawn yet
    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "draw.commit"))
    assert event is not None
    assert event.data["commitment"] == committed.commitment
    assert (await session.scalars(select(TaskSubject))).all() == []

    clock.advance(minutes=10)
    done = await draws.complete(committed.id, {"type": "operator-secret",
                                               "secret": "open sesame"}, actor=ORGANISER)
    assert done.status == "completed"
    assert done.result is not None
    rows = (await session.execute(select(TaskSubject.subject_id, TaskSubject.stratum)
                                  .where(TaskSubject.task_id == task_id))).all()
    by_stratum: dict[str, list[int]] = {}
    for sid, stratum in rows:
        by_stratum.setdefault(stratum, []).append(sid)
    assert {k: sorted(v) for k, v in by_stratum.items()} == done.result["selected"]
    assert {k: len(v) for k, v in by_stratum.items()} == manifest["allocation"]
    assert not {a[0], a[1], a[2]} & set(by_stratum["A"])
    assert (await task_service(session, clock).get(task_id)).state == "subjects_drawn"
    actions = (await session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.in_(["draw.commit", "draw.complete", "task.draw-subjects"]))
        .order_by(AuditEvent.id))).all()
    assert actions == ["draw.commit", "task.draw-subjects", "draw.complete"]


async def test_bundle_reproduces_and_tampering_is_named(session: AsyncSession, clock) -> None:
    _directory, task_id = await _setup(session, clock)
    draws = draw_service(session, clock)
    done = await _draw(draws, draws.commit_subjects(task_id, secret_source("x"), OP), "x")
    raw = await draws.bundle_bytes(done.id)
    # the spliced bytes are exactly the engine's canonical bundle
    assert raw == verify_draw.canonical_json(await draws.bundle(done.id))
    bundle = json.loads(raw)
    report = verify_draw.verify_bundle(bundle)
    assert report.ok, report.differences
    tampered = json.loads(json.dumps(bundle))
    tampered["result"]["selected"]["B"][0] += 1
    bad = verify_draw.verify_bundle(tampered)
    assert not bad.ok
    assert any("result.selected.B" in d for d in bad.differences)
    moved = json.loads(json.dumps(bundle))
    moved["manifest"]["allocation"]["D"] = 3
    assert any(d.startswith("commitment") for d in verify_draw.verify_bundle(moved).differences)


async def test_wrong_secret_changes_nothing(session: AsyncSession, clock) -> None:
    _directory, task_id = await _setup(session, clock)
    draws = draw_service(session, clock)
    committed = await draws.commit_subjects(task_id, secret_source("right"), OP)
    with pytest.raises(DrawRefused) as err:
        await draws.complete(committed.id, {"type": "operator-secret", "secret": "wrong"}, OP)
    assert err.value.key == "draw-error-secret-mismatch"  # the engine's own message
    await session.rollback()
    assert (await draws.get(committed.id)).status == "committed"
    assert (await session.scalars(select(TaskSubject))).all() == []
    with pytest.raises(DrawRefused) as again:
        await draws.commit_subjects(task_id, secret_source("other"), OP)
    assert again.value.key == "draw-already-committed"


async def test_witnessed_entropy(session: AsyncSession, clock) -> None:
    _directory, task_id = await _setup(session, clock)
    draws = draw_service(session, clock)
    committed = await draws.commit_subjects(
        task_id, witnessed_source("福彩3D 2026-03-05 第2026058期", 3), OP)
    done = await draws.complete(committed.id, {"type": "witnessed", "values": ["3", "7", "1"],
                                               "witnesses": ["张三", "李四"]}, OP)
    assert verify_draw.verify_bundle(await draws.bundle(done.id)).ok


async def test_drand_round_declared_in_advance(session: AsyncSession, clock) -> None:
    _directory, task_id = await _setup(session, clock)
    draws = draw_service(session, clock)
    published = DRAND["chain"]["genesis_time"] + (DRAND["rounds"][0]["round"] - 1) * 3
    with pytest.raises(DrawRefused) as late:
        await draws.commit_subjects(
            task_id, drand_source(DRAND, clock(), DRAND["rounds"][0]["round"]), OP)
    assert late.value.key == "draw-drand-round-past"
    clock.now = dt.datetime.fromtimestamp(published - 120, dt.UTC)
    committed = await draws.commit_subjects(
        task_id, drand_source(DRAND, clock(), DRAND["rounds"][0]["round"]), OP)
    clock.now = dt.datetime.fromtimestamp(published + 60, dt.UTC)
    done = await draws.complete(committed.id, verify_draw.drand_evidence(DRAND["rounds"][0]),
                                OP)
    assert verify_draw.verify_bundle(await draws.bundle(done.id)).ok
    # the next round is picked automatically when none is given: one published after commit
    source = drand_source(DRAND, clock())
    assert verify_draw.drand_round_time(source, source["round"]) >= clock().timestamp() + 60


async def test_inspectors_teams_leaders_matching_and_conflicts(
    session: AsyncSession, clock
) -> None:
    directory, task_id = await _setup(session, clock)
    draws = draw_service(session, clock)
    # an SCJG inspector who declared a conflict with every B subject
    conflicted = directory.inspectors["SCJG"][0]
    for sid in directory.subjects["B"]:
        session.add(Conflict(inspector_id=conflicted, subject_id=sid, reason="亲属任职"))
    # exactly four SCJG inspectors stay eligible, so the conflicted one is certainly drawn
    await session.execute(update(Inspector).where(
        Inspector.id.in_(directory.inspectors["SCJG"][4:])).values(active=False))
    await session.commit()
    with pytest.raises(IllegalTransition):
        await draws.commit_inspectors(task_id, "SCJG", secret_source("early"), OP)
    await _draw(draws, draws.commit_subjects(task_id, secret_source("s1"), OP), "s1")
    tasks = task_service(session, clock)
    # every inspector of every department joins the pool until all three have drawn
    await _draw(draws, draws.commit_inspectors(task_id, "SThJ", secret_source("a"), OP), "a")
    assert (await tasks.get(task_id)).state == "subjects_drawn"
    await _draw(draws, draws.commit_inspectors(task_id, "SCJG", secret_source("b"), OP), "b")
    await _draw(draws, draws.commit_inspectors(task_id, "YJGL", secret_source("c"), OP), "c")
    assert (await tasks.get(task_id)).state == "inspectors_drawn"
    teams = await draws.teams(task_id)
    assert [t.number for t in teams] == [1, 2]
    for team in teams:
        by_dept: dict[str | None, int] = {}
        for m in team.members:
            by_dept[m.department] = by_dept.get(m.department, 0) + 1
        assert by_dept == {"SCJG": 2, "SThJ": 1, "YJGL": 1}
        leader = [m for m in team.members if m.is_leader]
        assert len(leader) == 1
        assert leader[0].department == "SCJG"
    matching = await _draw(draws, draws.commit_matching(task_id, secret_source("m"), OP), "m")
    assert matching.summary["conflicts"] == 3  # the three B subjects drawn
    assert (await tasks.get(task_id)).state == "teams_formed"
    teams = await draws.teams(task_id)
    loads = [len(t.subject_ids) for t in teams]
    assert sum(loads) == 13
    assert max(loads) - min(loads) <= 1
    for team in teams:
        if conflicted in [m.inspector_id for m in team.members]:
            assert not set(team.subject_ids) & set(directory.subjects["B"])
    manifest = await draws.manifest(matching.id)
    drawn_b = [s for s in manifest["subjects"] if s in directory.subjects["B"]]
    # the pairs are published only as salted hashes
    assert manifest["forbidden"] == sorted(
        verify_draw.salted_pair_hash(manifest["salt"], conflicted, s) for s in drawn_b)
    bundle = await draws.bundle(matching.id)
    assert verify_draw.verify_bundle(bundle).ok


async def test_recent_pairings_are_never_matched_again(session: AsyncSession, clock) -> None:
    directory, task_id = await _setup(session, clock)
    draws = draw_service(session, clock)
    await _draw(draws, draws.commit_subjects(task_id, secret_source("s1"), OP), "s1")
    drawn = (await session.scalars(select(TaskSubject.subject_id).where(
        TaskSubject.task_id == task_id))).all()
    # an earlier task (within 24 months) where every SCJG inspector visited every drawn subject
    this = await session.get(Task, task_id)
    assert this is not None
    earlier = Task(code="OLD-1", name="2025年抽查", lead_department_id=this.lead_department_id,
                   department_codes=["SCJG"], item_codes=["SC-01"], item_year=2026,
                   team_count=1, members_per_team={"SCJG": 2}, window_start=dt.date(2025, 4, 1),
                   window_end=dt.date(2025, 5, 1), state="archived")
    session.add(earlier)
    await session.flush()
    old_draw = Draw(task_id=earlier.id, kind="subjects", manifest_sha256="0" * 64)
    session.add(old_draw)
    await session.flush()
    team = Team(task_id=earlier.id, number=1)
    session.add(team)
    await session.flush()
    paired = directory.inspectors["SCJG"][:1]
    for iid in paired:
        session.add(TeamMember(team_id=team.id, task_id=earlier.id,
                               department_id=this.lead_department_id, inspector_id=iid,
                               draw_id=old_draw.id))
    victim = drawn[0]
    session.add(TaskSubject(task_id=earlier.id, subject_id=victim, stratum="A", team_id=team.id,
                            draw_id=old_draw.id))
    await session.commit()
    for n, dept in enumerate(("SCJG", "SThJ", "YJGL")):
        await _draw(draws, draws.commit_inspectors(task_id, dept, secret_source(f"i{n}"), OP),
                    f"i{n}")
    matching = await _draw(draws, draws.commit_matching(task_id, secret_source("m"), OP), "m")
    members = {m.inspector_id for t in await draws.teams(task_id) for m in t.members}
    if paired[0] in members:
        assert matching.summary["recent_pairings"] == 1
        for t in await draws.teams(task_id):
            if paired[0] in [m.inspector_id for m in t.members]:
                assert victim not in t.subject_ids
    else:
        assert matching.summary["recent_pairings"] == 0


async def test_directory_cannot_supply_enough_certified_inspectors(
    session: AsyncSession, clock
) -> None:
    directory, task_id = await _setup(session, clock)
    draws = draw_service(session, clock)
    yj = directory.inspectors["YJGL"]
    await session.execute(update(Inspector).where(Inspector.id == yj[0]).values(active=False))
    await session.execute(update(Inspector).where(Inspector.id == yj[1]).values(
        certificate_no=None))
    await session.execute(update(Inspector).where(Inspector.id == yj[2]).values(
        certificate_expires_on=dt.date(2027, 5, 1)))  # expires inside the window
    await session.execute(update(Inspector).where(Inspector.id == yj[3]).values(
        qualified_items=["SC-01"]))
    await session.execute(update(Inspector).where(Inspector.id == yj[4]).values(active=False))
    await session.commit()
    await _draw(draws, draws.commit_subjects(task_id, secret_source("s1"), OP), "s1")
    with pytest.raises(DrawRefused) as err:
        await draws.commit_inspectors(task_id, "YJGL", secret_source("y"), OP)
    assert err.value.key == "draw-not-enough-inspectors"
    assert err.value.args_map["needed"] == 2
    assert err.value.args_map["available"] == 1
    assert err.value.args_map["excluded"] == (
        "certificate-expires-before-window-end 1, inactive 2, no-certificate 1, "
        "not-qualified 1")
    assert (await session.scalars(select(Draw).where(Draw.kind == "inspectors"))).all() == []
    # fewer than two certificate holders per team across departments is refused too
    await session.execute(update(Task).where(Task.id == task_id).values(
        members_per_team={"SCJG": 1, "SThJ": 0, "YJGL": 0}))
    await session.commit()
    with pytest.raises(DrawRefused) as per_team:
        await draws.commit_inspectors(task_id, "SCJG", secret_source("z"), OP)
    assert per_team.value.key == "draw-too-few-certified-per-team"


async def test_withdrawal_replaces_only_that_person(session: AsyncSession, clock) -> None:
    directory, task_id = await _setup(session, clock)
    draws = draw_service(session, clock)
    await _all_draws(session, clock, draws, task_id)
    before = await draws.teams(task_id)
    team1 = before[0]
    leaving = next(m for m in team1.members if m.department == "SThJ")
    with pytest.raises(ValidationFailed):
        await draws.withdraw(task_id, leaving.inspector_id or 0, " ", secret_source("r"), OP)
    committed = await draws.withdraw(task_id, leaving.inspector_id or 0, "病假",
                                     secret_source("r"), Actor.system("sthj-admin"))
    manifest = await draws.manifest(committed.id)
    drawn_everywhere = {m.inspector_id for t in before for m in t.members}
    assert not set(manifest["pool"]) & drawn_everywhere
    assert manifest["reason"] == "病假"
    done = await draws.complete(committed.id, {"type": "operator-secret", "secret": "r"}, OP)
    after = await draws.teams(task_id)
    replacement = done.result["replacement"] if done.result else None
    assert replacement in directory.inspectors["SThJ"]
    # every other member, the leaders and the subjects are unchanged
    for old, new in zip(before, after, strict=True):
        old_active = {m.inspector_id for m in old.members if m.active}
        new_active = {m.inspector_id for m in new.members if m.active}
        if old.number == team1.number:
            assert new_active == (old_active - {leaving.inspector_id}) | {replacement}
        else:
            assert new_active == old_active
        assert old.leader_inspector_id == new.leader_inspector_id
        assert old.subject_ids == new.subject_ids
    gone = next(m for m in after[0].members if m.inspector_id == leaving.inspector_id)
    assert not gone.active
    assert gone.withdrawn_reason == "病假"
    row = await session.scalar(select(TeamMember).where(
        TeamMember.inspector_id == leaving.inspector_id, TeamMember.task_id == task_id))
    assert row is not None
    assert row.replaced_by_id is not None
    assert verify_draw.verify_bundle(await draws.bundle(done.id)).ok


async def test_leader_withdrawal_redraws_the_leader(session: AsyncSession, clock) -> None:
    _directory, task_id = await _setup(session, clock)
    draws = draw_service(session, clock)
    await _all_draws(session, clock, draws, task_id)
    team = (await draws.teams(task_id))[1]
    leader = team.leader_inspector_id
    assert leader is not None
    committed = await draws.withdraw(task_id, leader, "回避：新申报的利害关系",
                                     secret_source("L"), Actor.system("scjg-admin"))
    assert (await draws.manifest(committed.id))["redraw_leader"] is True
    done = await draws.complete(committed.id, {"type": "operator-secret", "secret": "L"}, OP)
    new_team = (await draws.teams(task_id))[1]
    assert new_team.leader_inspector_id not in (None, leader)
    leaders = [m for m in new_team.members if m.is_leader]
    assert len(leaders) == 1
    assert leaders[0].department == "SCJG"
    assert leaders[0].active
    assert done.result is not None
    assert done.result["leader"] == new_team.leader_inspector_id


async def test_experts_are_drawn_when_the_task_asks(session: AsyncSession, clock) -> None:
    directory = await build_directory(session, experts=4)
    task_id = await approved_task(session, clock, needs_experts=True, experts_per_team=1)
    draws = draw_service(session, clock)
    tasks = task_service(session, clock)
    await _draw(draws, draws.commit_subjects(task_id, secret_source("s"), OP), "s")
    for n, dept in enumerate(("SCJG", "SThJ", "YJGL")):
        await _draw(draws, draws.commit_inspectors(task_id, dept, secret_source(f"i{n}"), OP),
                    f"i{n}")
    # every department has drawn, but the experts have not: not yet inspectors_drawn
    assert (await tasks.get(task_id)).state == "subjects_drawn"
    done = await _draw(draws, draws.commit_experts(task_id, secret_source("e"), OP), "e")
    assert (await tasks.get(task_id)).state == "inspectors_drawn"
    teams = await draws.teams(task_id)
    experts = [[m.expert_id for m in t.members if m.expert_id] for t in teams]
    assert [len(e) for e in experts] == [1, 1]
    assert {e for ids in experts for e in ids} <= set(directory.experts)
    assert verify_draw.verify_bundle(await draws.bundle(done.id)).ok
    with pytest.raises(DrawRefused) as again:
        await draws.commit_experts(task_id, secret_source("x"), OP)
    assert again.value.key in ("draw-already-committed",)
