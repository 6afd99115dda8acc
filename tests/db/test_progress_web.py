"""The progress pages of Art. 22 on the web (issue 12 item 5) against the real app on the test
database, over httpx's ASGI transport: a signed link shows ProgressService's figures, a
tampered, expired, revoked or other department's link and a wrong token show nothing, the CSV
and XLSX carry the same numbers with formula-like text neutralised; links are printed, listed
and revoked one by one, by whom the rules allow, and audited."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from bot.config import Settings, get_settings
from bot.container import make_container
from cli.main import app
from services.actors import Actor, Role
from services.audit import AuditTrail
from services.clock import utc_now
from services.errors import Forbidden, NotFound, ValidationFailed
from services.progress import DepartmentProgress, ProgressService
from services.progress_links import ProgressLinks, ProgressLinkService, sign_link, verify_link
from storage.db import create_engine, session_factory
from storage.models import AuditEvent, Department, ProgressLink
from tests.db.test_api import issue
from tests.db.test_publication import demo_task
from web.app import create_web_app

SECRET = "test-progress-secret"
runner = CliRunner()
EVIL_NAME = '=HYPERLINK("http://x.example","点我")'


@dataclass
class World:
    client: httpx.AsyncClient
    clock: Any
    figures: dict[str, DepartmentProgress]
    tokens: dict[str, str]
    sessions: async_sessionmaker[AsyncSession]


def register(session: AsyncSession, clock: Any, secret: str = SECRET) -> ProgressLinkService:
    return ProgressLinkService(session, clock, AuditTrail(session, clock),
                               ProgressLinks(secret.encode()))


def address(token: str) -> str:
    """The page's path and query for a token, as ``jointcheck progress link`` prints it."""
    scope, exp, link_id, sig = token.split(".")
    path = "/progress" if scope == "city" else f"/progress/{scope}"
    return f"{path}?link={link_id}&exp={exp}&sig={sig}"


async def link(world: World, department: str | None, *, days: int = 7,
               secret: str = SECRET, actor: Actor | None = None) -> str:
    """A link printed by the register (a row, then the signed address)."""
    async with world.sessions() as session:
        _view, token = await register(session, world.clock, secret).issue(
            actor or Actor.system("test"), department, dt.timedelta(days=days))
    return address(token)


@pytest.fixture
async def world(sessions: async_sessionmaker[AsyncSession], clock: Any
                ) -> AsyncIterator[World]:
    """The demo directory and a drawn demo task; a department with a formula for a name."""
    async with sessions() as session:
        await demo_task(session, clock)
        session.add(Department(code="EVIL", name_zh=EVIL_NAME, name_en="Evil"))
        await session.commit()
        figures = {p.code: p for p in await ProgressService(session).by_department()}
        tokens = {}
        for key, department, scopes in (("scjg_read", "SCJG", "read"),
                                        ("scjg_draw", "SCJG", "draw")):
            _id, tokens[key] = await issue(session, clock, department, scopes, key)
    config = Settings(bot_token=None, progress_link_secret=SECRET)
    app = create_web_app(config, make_container(config, sessions=sessions, clock=clock))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://web") as client:
        yield World(client, clock, figures, tokens, sessions)


def cells(html: str) -> list[list[str]]:
    """The table's body rows as text."""
    rows = re.findall(r"<tr(?: class=\"total\")?>(.*?)</tr>", html, re.S)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r,
                                                                     re.S)] for r in rows]


def numbers(p: DepartmentProgress) -> list[str]:
    return [str(v) for v in (p.tasks, p.subjects_drawn, p.visited, p.with_result, p.on_time,
                             p.late, p.referrals_open)]


async def test_city_link_shows_every_department_the_total_and_the_chart(world: World) -> None:
    page = await world.client.get(await link(world, None))
    assert page.status_code == 200
    assert page.headers["cache-control"] == "private, no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "img-src 'self' data:" in page.headers["content-security-policy"]
    html = page.text
    assert "全市工作进度" in html
    rows = cells(html)
    by_name = {r[0]: r[1:] for r in rows}
    for p in world.figures.values():
        name = p.name.replace('"', "&#34;")
        assert by_name[name] == numbers(p), p.code
    assert world.figures["SCJG"].subjects_drawn > 0  # the demo task drew subjects
    total = rows[-1]
    assert total[0] == "合计"
    assert total[2] == str(sum(p.subjects_drawn for p in world.figures.values()))
    assert re.search(r'<img src="data:image/png;base64,iVBORw0KGgo', html)  # a PNG
    assert "format=csv" in html
    assert "format=xlsx" in html
    english = await world.client.get(await link(world, None) + "&lang=en")
    assert "Progress of the city" in english.text
    assert "Total" in english.text


async def test_department_link_shows_only_that_department(world: World) -> None:
    page = await world.client.get(await link(world, "SCJG"))
    assert page.status_code == 200
    rows = cells(page.text)
    assert rows == [[world.figures["SCJG"].name, *numbers(world.figures["SCJG"])]]
    others = [p.name for p in world.figures.values() if p.code != "SCJG"]
    assert others
    assert not any(name in page.text for name in others)


@pytest.mark.parametrize("case", ["tampered", "expired", "other-department", "city-with-dept",
                                  "no-signature", "other-secret", "longer-expiry", "revoked",
                                  "other-link", "no-row"])
async def test_a_bad_link_is_refused_in_the_readers_language_showing_nothing(
        world: World, case: str) -> None:
    good = await link(world, "SCJG")
    sig = re.search(r"sig=([^&]+)", good).group(1)  # type: ignore[union-attr]
    exp = re.search(r"exp=(\d+)", good).group(1)  # type: ignore[union-attr]
    link_id = int(re.search(r"link=(\d+)", good).group(1))  # type: ignore[union-attr]
    revoked = await link(world, "SCJG")
    async with world.sessions() as session:
        await register(session, world.clock).revoke(
            Actor.system("test"), int(re.search(r"link=(\d+)", revoked).group(1)))  # type: ignore[union-attr]
    url = {
        "tampered": good.replace(f"sig={sig}", f"sig={sig[:-1]}{'A' if sig[-1] != 'A' else 'B'}"),
        # a true signature over a past expiry: the HMAC holds, the time does not
        "expired": address(sign_link(SECRET.encode(), "SCJG",
                                     world.clock() - dt.timedelta(days=1), link_id)),
        "revoked": revoked,
        "other-link": good.replace(f"link={link_id}", f"link={link_id + 1}"),
        "no-row": address(sign_link(SECRET.encode(), "SCJG",
                                    world.clock() + dt.timedelta(days=7), 999_999)),
        "other-department": good.replace("/progress/SCJG", "/progress/YJGL"),
        "city-with-dept": good.replace("/progress/SCJG", "/progress"),
        "no-signature": "/progress/SCJG",
        "other-secret": await link(world, "SCJG", secret="another"),
        "longer-expiry": good.replace(f"exp={exp}", f"exp={int(exp) + 86400}"),
    }[case]
    for lang, words in (("", "此链接无效或已过期"), ("&lang=en", "not valid or has expired")):
        for fmt in ("", "&format=csv", "&format=xlsx"):
            joiner = "&" if "?" in url else "?"
            answer = await world.client.get(url + (joiner + (lang + fmt).lstrip("&")
                                                   if lang + fmt else ""))
            assert answer.status_code == 403, (case, lang, fmt)
            assert answer.headers["content-type"].startswith("text/html")
            assert words in answer.text
            assert answer.headers["cache-control"] == "private, no-store"
            for p in world.figures.values():
                assert p.name not in answer.text
            assert "data:image/png" not in answer.text


async def test_an_expired_link_stops_working_when_the_clock_passes_it(world: World) -> None:
    url = await link(world, "SCJG", days=1)
    assert (await world.client.get(url)).status_code == 200
    world.clock.advance(days=1)
    assert (await world.client.get(url)).status_code == 403


async def test_a_read_token_opens_its_own_department_only(world: World) -> None:
    read = {"Authorization": f"Bearer {world.tokens['scjg_read']}"}
    own = await world.client.get("/progress/SCJG", headers=read)
    assert own.status_code == 200
    assert cells(own.text) == [[world.figures["SCJG"].name, *numbers(world.figures["SCJG"])]]
    assert (await world.client.get("/progress/YJGL", headers=read)).status_code == 403
    assert (await world.client.get("/progress", headers=read)).status_code == 403
    draw_only = {"Authorization": f"Bearer {world.tokens['scjg_draw']}"}
    assert (await world.client.get("/progress/SCJG", headers=draw_only)).status_code == 403
    wrong = {"Authorization": "Bearer jct_nothing"}
    assert (await world.client.get("/progress/SCJG", headers=wrong)).status_code == 403
    csv_answer = await world.client.get("/progress/SCJG?format=csv", headers=read)
    assert csv_answer.status_code == 200


async def test_csv_has_a_bom_the_same_numbers_and_no_formula(world: World) -> None:
    answer = await world.client.get(await link(world, None) + "&format=csv")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    assert answer.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["部门", "任务", "抽取对象"]
    by_name = {r[0]: r[1:] for r in rows[1:]}
    assert "'" + EVIL_NAME in by_name
    assert EVIL_NAME not in by_name
    assert by_name["'" + EVIL_NAME] == numbers(world.figures["EVIL"])
    for p in world.figures.values():
        if p.code != "EVIL":
            assert by_name[p.name] == numbers(p)
    assert rows[-1][0] == "合计"


async def test_xlsx_opens_with_the_same_numbers(world: World) -> None:
    answer = await world.client.get(await link(world, None) + "&format=xlsx")
    assert answer.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "部门"
    by_name = {r[0]: r[1:] for r in rows[1:]}
    assert by_name["'" + EVIL_NAME] == [int(n) for n in numbers(world.figures["EVIL"])]
    scjg = world.figures["SCJG"]
    assert by_name[scjg.name] == [int(n) for n in numbers(scjg)]
    assert rows[-1][0] == "合计"
    assert rows[-1][2] == sum(p.subjects_drawn for p in world.figures.values())


def test_cli_prints_a_link_the_page_accepts(db_url: str, sessions: async_sessionmaker[
        AsyncSession], monkeypatch: pytest.MonkeyPatch) -> None:
    """``jointcheck progress link``: a department's or the city's signed address on the
    public base URL, valid for ``--days``; an unknown department is refused, exit 1."""
    monkeypatch.setenv("JOINTCHECK_DATABASE_URL", db_url)
    monkeypatch.setenv("JOINTCHECK_PROGRESS_LINK_SECRET", SECRET)
    monkeypatch.setenv("JOINTCHECK_PUBLIC_BASE_URL", "https://jc.example.cn/")
    monkeypatch.delenv("JOINTCHECK_OPERATOR", raising=False)
    get_settings.cache_clear()
    try:
        assert runner.invoke(app, ["departments", "add", "SCJG", "市场监督管理局"]).exit_code == 0
        result = runner.invoke(app, ["progress", "link", "-d", "SCJG", "--days", "3"])
        assert result.exit_code == 0, result.output
        url = result.stdout.strip().splitlines()[-1]
        match = re.fullmatch(
            r"https://jc\.example\.cn/progress/SCJG\?link=(\d+)&exp=(\d+)&sig=([\w-]+)", url)
        assert match, url
        assert f"链接编号 {match.group(1)}" in result.stderr
        expires = dt.datetime.fromtimestamp(int(match.group(2)), dt.UTC)
        assert abs(expires - (utc_now() + dt.timedelta(days=3))) < dt.timedelta(minutes=1)
        token = f"SCJG.{match.group(2)}.{match.group(1)}.{match.group(3)}"
        claim = verify_link(SECRET.encode(), token, utc_now())
        assert claim is not None
        assert (claim.scope, claim.link_id) == ("SCJG", int(match.group(1)))
        city = runner.invoke(app, ["progress", "link", "--for", "市审计局 张三"])
        assert city.exit_code == 0, city.output
        assert "https://jc.example.cn/progress?link=" in city.stdout
        missing = runner.invoke(app, ["progress", "link", "-d", "NOPE"])
        assert missing.exit_code == 1
        assert "没有部门 NOPE" in missing.output

        async def fetch() -> int:
            """The page for the printed address, on an engine of this event loop's own."""
            engine = create_engine(db_url)
            config = Settings(bot_token=None, progress_link_secret=SECRET)
            web_app = create_web_app(config, make_container(
                config, sessions=session_factory(engine)))
            try:
                async with httpx.AsyncClient(transport=httpx.ASGITransport(app=web_app),
                                             base_url="http://web") as client:
                    path = url.replace("https://jc.example.cn", "")
                    return (await client.get(path)).status_code
            finally:
                await engine.dispose()

        assert asyncio.run(fetch()) == 200
        listed = runner.invoke(app, ["progress", "links"])
        assert listed.exit_code == 0, listed.output
        lines = listed.stdout.strip().splitlines()
        assert len(lines) == 2  # newest first: the city's, then the department's
        assert lines[0].split()[1:4] == ["city", "市审计局", "张三"]
        assert lines[0].endswith("有效")
        assert lines[1].split()[:2] == [match.group(1), "SCJG"]
        assert "最近打开：-" in lines[0]
        assert "最近打开：-" not in lines[1]  # the page was opened with it
        revoked = runner.invoke(app, ["progress", "revoke", match.group(1)])
        assert revoked.exit_code == 0, revoked.output
        assert f"已吊销进度页链接 {match.group(1)}（SCJG）" in revoked.stdout
        assert asyncio.run(fetch()) == 403
        again = runner.invoke(app, ["progress", "revoke", match.group(1)])
        assert again.exit_code == 1
        assert "已经吊销过了" in again.output
        assert "已吊销" in runner.invoke(app, ["progress", "links", "-d", "SCJG"]).stdout
        assert "没有编号为 999 的进度页链接" in runner.invoke(
            app, ["progress", "revoke", "999"]).output
    finally:
        get_settings.cache_clear()


async def test_who_may_print_and_revoke_which_link_and_the_audit(world: World) -> None:
    """A department's admin prints and revokes its own page's links, not another's nor the
    city's; the organiser any; each print and revoke is an audit event; nothing is written by a
    refusal."""
    async with world.sessions() as session:
        scjg = await session.scalar(select(Department).where(Department.code == "SCJG"))
        assert scjg is not None
        admin = Actor(account_id=41, name="李管理", roles=frozenset({Role.DEPT_ADMIN.value}),
                      department_code="SCJG", department_id=scjg.id)
        organiser = Actor(account_id=42, name="王组织", roles=frozenset({Role.ORGANISER.value}))
        links = register(session, world.clock)
        own, _token = await links.issue(admin, "SCJG", dt.timedelta(days=2), "考核组")
        for department, key in (("YJGL", "forbidden-progress-link"),
                                (None, "forbidden-progress-link-city")):
            with pytest.raises(Forbidden) as refused:
                await links.issue(admin, department, dt.timedelta(days=2))
            assert refused.value.key == key
        city, _token = await links.issue(organiser, None, dt.timedelta(days=2))
        with pytest.raises(Forbidden) as refused:
            await links.revoke(admin, city.id)
        assert refused.value.key == "forbidden-progress-link-revoke-city"
        for bad, key in ((dt.timedelta(0), "progress-link-bad-days"),):
            with pytest.raises(ValidationFailed) as invalid:
                await links.issue(organiser, "SCJG", bad)
            assert invalid.value.key == key
        with pytest.raises(NotFound):
            await links.issue(organiser, "NOPE", dt.timedelta(days=1))
        assert (await links.revoke(admin, own.id)).revoked_by == "account:41"
        assert (await links.revoke(organiser, city.id)).revoked_by == "account:42"
        rows = (await session.scalars(select(ProgressLink).order_by(ProgressLink.id))).all()
        assert [(r.scope, r.recipient, r.issued_by) for r in rows] == [
            ("SCJG", "考核组", "account:41"), ("city", "", "account:42")]
        events = (await session.scalars(select(AuditEvent).where(
            AuditEvent.entity == "progress_link").order_by(AuditEvent.id))).all()
        assert [(e.action, e.entity_id, e.actor) for e in events] == [
            ("progress_link.issued", str(own.id), "account:41"),
            ("progress_link.issued", str(city.id), "account:42"),
            ("progress_link.revoked", str(own.id), "account:41"),
            ("progress_link.revoked", str(city.id), "account:42")]
