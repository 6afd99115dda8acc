"""A small, realistic world for the bot's tests: two departments, a drawn task, one in review.

Rows are inserted with the models (the state a completed draw and matching leave behind, as
CONTRACTS.md §2 describes), so the bot's tests don't depend on the draw engine's internals.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Department,
    Draw,
    DrawManifest,
    InspectionItem,
    Inspector,
    Subject,
    Task,
    TaskReview,
    TaskSubject,
    Team,
    TeamMember,
)

DRAWN_TASK_CODE = "2026-LH-001"
DRAWN_TASK_NAME = "2026年餐饮服务单位食品安全联合抽查"
REVIEW_TASK_CODE = "2026-LH-002"
REVIEW_TASK_NAME = "2026年加油站安全生产与环保联合抽查"


@dataclass(frozen=True)
class World:
    """Ids of what ``seed_world`` created."""

    scjg: int  # 市场监督管理局 (lead department)
    hbj: int  # 生态环境局
    leader: int  # inspector 张三 (SCJG), leader of team 1
    member: int  # inspector 王五 (SCJG), team 1
    partner: int  # inspector 李四 (HBJ), team 1
    idle: int  # inspector 赵六 (SCJG), not drawn
    drawn_task: int
    review_task: int
    team: int
    subjects: tuple[int, ...]


def _manifest(task_id: int, kind: str, n: int) -> str:
    return f'{{"kind":"{kind}","task":{task_id},"n":{n}}}'


def _draw(task_id: int, department_id: int | None, kind: str, n: int) -> Draw:
    manifest = _manifest(task_id, kind, n)
    return Draw(
        task_id=task_id, kind=kind, department_id=department_id, status="completed",
        manifest_sha256=hashlib.sha256(manifest.encode()).hexdigest(),
        entropy_source={"type": "operator-secret"}, result="{}",
        completed_at=dt.datetime(2026, 3, 1, 2, 0, tzinfo=dt.UTC),
    )


async def seed_world(session: AsyncSession) -> World:
    """Insert the world and commit; returns the ids."""
    scjg = Department(code="SCJG", name_zh="市场监督管理局", name_en="Market Supervision")
    hbj = Department(code="HBJ", name_zh="生态环境局", name_en="Ecology and Environment")
    session.add_all([scjg, hbj])
    await session.flush()
    people = {
        "leader": Inspector(department_id=scjg.id, staff_no="SC001", name="张三",
                            certificate_no="42070001", qualified_items=["SC-SP-01"]),
        "member": Inspector(department_id=scjg.id, staff_no="SC002", name="王五",
                            certificate_no="42070002", qualified_items=["SC-SP-01"]),
        "idle": Inspector(department_id=scjg.id, staff_no="SC003", name="赵六",
                          certificate_no="42070003", qualified_items=["SC-SP-01"]),
        "partner": Inspector(department_id=hbj.id, staff_no="HB001", name="李四",
                             certificate_no="42070101", qualified_items=["HB-PW-01"]),
    }
    session.add_all(people.values())
    session.add_all([
        InspectionItem(
            year=2026, code="SC-SP-01", name="食品经营许可和备案情况的检查",
            legal_basis="《中华人民共和国食品安全法》第三十五条",
            department_codes=["SCJG"], subject_kinds=["enterprise"],
            checklist=["食品经营许可证是否在有效期内", "实际经营地址与许可地址是否一致"],
            methods=["onsite", "document"],
            requirements="检查时出示执法证件，两名以上执法人员在场。",
        ),
        InspectionItem(
            year=2026, code="HB-PW-01", name="排污许可执行情况的检查",
            legal_basis="《排污许可管理条例》第三十三条", department_codes=["HBJ"],
            checklist=["是否按证排污"], methods=["onsite"], requirements="",
        ),
    ])
    subjects = [
        Subject(department_id=scjg.id, identifier="91420700MA4KXXXX1A",
                name="鄂州市江南餐饮有限公司",
                kind="enterprise", address="鄂城区古楼街道滨湖北路18号", district="鄂城区",
                longitude=114.89, latitude=30.39),
        Subject(department_id=scjg.id, identifier="91420700MA4KXXXX2B", name="华容区好味道小吃店",
                kind="individual", address="华容区华容镇正街66号", district="华容区",
                longitude=114.73, latitude=30.53),
    ]
    session.add_all(subjects)
    await session.flush()

    drawn = Task(
        code=DRAWN_TASK_CODE, name=DRAWN_TASK_NAME, lead_department_id=scjg.id,
        department_codes=["SCJG", "HBJ"], item_codes=["SC-SP-01", "HB-PW-01"], item_year=2026,
        team_count=1, members_per_team={"SCJG": 2, "HBJ": 1},
        window_start=dt.date(2026, 4, 1), window_end=dt.date(2026, 4, 30), state="teams_formed",
    )
    review = Task(
        code=REVIEW_TASK_CODE, name=REVIEW_TASK_NAME, lead_department_id=scjg.id,
        department_codes=["SCJG", "HBJ"], item_codes=["SC-SP-01"], item_year=2026,
        team_count=1, members_per_team={"SCJG": 1, "HBJ": 1},
        window_start=dt.date(2026, 5, 6), window_end=dt.date(2026, 5, 29), state="in_review",
    )
    session.add_all([drawn, review])
    await session.flush()
    session.add_all([
        TaskReview(task_id=review.id, round=1, department_id=scjg.id, decision="pending"),
        TaskReview(task_id=review.id, round=1, department_id=hbj.id, decision="pending"),
    ])
    subject_draw = _draw(drawn.id, None, "subjects", 0)
    scjg_draw = _draw(drawn.id, scjg.id, "inspectors", 1)
    hbj_draw = _draw(drawn.id, hbj.id, "inspectors", 2)
    session.add_all([subject_draw, scjg_draw, hbj_draw])
    await session.flush()
    session.add_all([DrawManifest(draw_id=d.id, text=_manifest(drawn.id, d.kind, n))
                     for n, d in enumerate((subject_draw, scjg_draw, hbj_draw))])
    team = Team(task_id=drawn.id, number=1, leader_inspector_id=people["leader"].id,
                draw_id=scjg_draw.id)
    session.add(team)
    await session.flush()
    session.add_all([
        TeamMember(team_id=team.id, task_id=drawn.id, department_id=scjg.id,
                   inspector_id=people["leader"].id, draw_id=scjg_draw.id),
        TeamMember(team_id=team.id, task_id=drawn.id, department_id=scjg.id,
                   inspector_id=people["member"].id, draw_id=scjg_draw.id),
        TeamMember(team_id=team.id, task_id=drawn.id, department_id=hbj.id,
                   inspector_id=people["partner"].id, draw_id=hbj_draw.id),
    ])
    for order, subject in enumerate(subjects, start=1):
        session.add(TaskSubject(task_id=drawn.id, subject_id=subject.id, stratum="B",
                                team_id=team.id, draw_id=subject_draw.id, visit_order=order))
    await session.commit()
    return World(
        scjg=scjg.id, hbj=hbj.id, leader=people["leader"].id, member=people["member"].id,
        partner=people["partner"].id, idle=people["idle"].id, drawn_task=drawn.id,
        review_task=review.id, team=team.id, subjects=tuple(s.id for s in subjects),
    )
