"""Who may enter a final result and refer from it: the services take the ``Actor`` and refuse
anyone but the team's leader; the audit trail names the actor (issue 11 items 4-5)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.actors import Actor
from services.referrals import (
    ReferralNotLeader,
    ReferralNotMember,
    ReferralRequest,
    ReferralService,
)
from services.results import ResultEntry, ResultNotLeader, ResultService
from storage.models import AuditEvent, FinalResult, Referral
from tests.conftest import FixedClock
from tests.db.test_records import (  # noqa: F401 -- fixtures, re-used
    field_clock,
    records,
    results,
    store,
    world,
)
from tests.e2e.seed import World

ENTRY = ResultEntry(("A", "D"), "后厨废水直排", ("inform",))


def account_of(inspector_id: int, account_id: int) -> Actor:
    return Actor(account_id=account_id, name=f"inspector {inspector_id}",
                 roles=frozenset({"inspector"}), inspector_id=inspector_id)


async def test_only_the_leader_enters_and_the_trail_names_the_account(
    results: ResultService, world: World, session: AsyncSession  # noqa: F811
) -> None:
    for refused in (Actor.system("cli-operator"), account_of(world.member, 2),
                    account_of(world.partner, 3), account_of(world.idle, 4)):
        with pytest.raises(ResultNotLeader):
            await results.enter(refused, world.drawn_task, world.subjects[0], ENTRY)
    assert (await session.scalars(select(FinalResult))).all() == []
    await results.enter(account_of(world.leader, 1), world.drawn_task, world.subjects[0],
                        ENTRY)
    actors = (await session.scalars(select(AuditEvent.actor).where(
        AuditEvent.action == "result.entered"))).all()
    assert actors == ["account:1"]


async def test_a_referral_from_the_result_is_the_leaders(
    results: ResultService, world: World, session: AsyncSession,  # noqa: F811
    field_clock: FixedClock,  # noqa: F811
) -> None:
    outcome = await results.enter(account_of(world.leader, 1), world.drawn_task,
                                  world.subjects[0], ENTRY)
    referrals = ReferralService(session, field_clock)
    request = ReferralRequest("inform", "后厨废水直排雨水管", "HBJ")
    with pytest.raises(ReferralNotLeader):  # a member of the team, but not its leader
        await referrals.refer(account_of(world.member, 2), request,
                              result_id=outcome.result.id)
    with pytest.raises(ReferralNotMember):  # the system has no inspector to sign it
        await referrals.refer(Actor.system("cli-operator"), request,
                              result_id=outcome.result.id)
    assert (await session.scalars(select(Referral))).all() == []
    sent = await referrals.refer(account_of(world.leader, 1), request,
                                 result_id=outcome.result.id)
    assert (sent.kind, sent.to_department, sent.created_by) == ("inform", "HBJ", "张三")
    actors = (await session.scalars(select(AuditEvent.actor).where(
        AuditEvent.action == "referral.inform"))).all()
    assert actors == ["account:1"]
