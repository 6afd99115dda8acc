"""The admin HTTP API (issue 13 item 5) against the real app on the test database, over
httpx's ASGI transport: authentication, scopes, one department refused another's resources,
imports exactly as the CLI's, the limits, publication refused before the results; and a
property-based run over the OpenAPI schema (schemathesis) that finds no server error."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from dishka import Provider, Scope, provide
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.container import make_container
from demo.data import load_demo_data
from demo.workflow import create_demo_task
from services.actors import Actor, Role
from services.api_tokens import ApiTokenService
from services.audit import AuditTrail
from services.errors import Forbidden, ValidationFailed
from services.national_export import load_mapping, read_export
from services.publication import ResultsSource
from storage.models import AuditEvent, Department, Subject, Task, TaskReview
from tests.db.directories_support import SUBJECT_HEADER, code, subject_row, write_csv
from tests.db.test_publication import FakeResults, demo_task, result_for
from tests.db.workflow_data import approved_entry, build_directory, task_spec
from tests.services import demo_task_services, task_service
from web.app import create_web_app

ORGANISER = Actor(account_id=1, name="组织者", roles=frozenset({Role.ORGANISER}))
EN = {"Accept-Language": "en-GB,en;q=0.9,zh-CN;q=0.5"}


@dataclass
class World:
    """The app's client, the task under review and one token per department and purpose."""

    client: httpx.AsyncClient
    sessions: async_sessionmaker[AsyncSession]
    task_id: int
    task_code: str
    tokens: dict[str, str]
    ids: dict[str, int]


def bearer(token: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **extra}


async def issue(session: AsyncSession, clock: Any, department: str, scopes: str,
                name: str) -> tuple[int, str]:
    service = ApiTokenService(session, clock, AuditTrail(session, clock))
    view, secret = await service.issue(department, scopes, name, Actor.system("cli-operator"))
    return view.id, secret


def web(sessions: async_sessionmaker[AsyncSession], clock: Any, **settings: Any
        ) -> httpx.AsyncClient:
    config = Settings(bot_token=None, **settings)
    app = create_web_app(config, make_container(config, sessions=sessions, clock=clock))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://web")


async def events(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


@pytest.fixture
async def world(sessions: async_sessionmaker[AsyncSession], clock: Any
                ) -> AsyncIterator[World]:
    """SCJG, SThJ, YJGL and JYJ (outside the task); a three-department task under review."""
    async with sessions() as session:
        await build_directory(session)
        session.add(Department(code="JYJ", name_zh="教育局", name_en="Education"))
        await session.commit()
        entry_id = await approved_entry(session, clock)
        tasks = task_service(session, clock)
        view = await tasks.create(task_spec(entry_id), actor=ORGANISER)  # type: ignore[arg-type]
        await tasks.submit(view.id, actor=ORGANISER)
        tokens, ids = {}, {}
        for key, department, scopes in (
                ("scjg_read", "SCJG", "read"), ("scjg_all", "SCJG", "read,import,draw,publish"),
                ("sthj_draw", "SThJ", "read,draw"), ("jyj", "JYJ", "read,draw"),
                ("revoked", "SCJG", "read")):
            ids[key], tokens[key] = await issue(session, clock, department, scopes, key)
        await ApiTokenService(session, clock, AuditTrail(session, clock)).revoke(
            ids["revoked"], Actor.system("cli-operator"))
    async with web(sessions, clock) as client:
        yield World(client, sessions, view.id, view.code, tokens, ids)


async def test_no_bad_or_revoked_token_is_401_and_a_missing_scope_403(world: World) -> None:
    c = world.client
    none = await c.get("/api/v1/tasks")
    assert none.status_code == 401
    assert none.headers["www-authenticate"] == "Bearer"
    assert none.json()["error"] == "api-token-invalid"
    assert "令牌无效" in none.json()["message"]  # Chinese by default
    bad = await c.get("/api/v1/tasks", headers=bearer(world.tokens["scjg_read"][:-2] + "xx",
                                                       **EN))
    assert bad.status_code == 401
    assert bad.json()["message"].startswith("The token is missing, invalid or revoked")
    assert (await c.get("/api/v1/tasks", headers=bearer("jct_not-a-token"))).status_code == 401
    nowhere = await c.get("/api/v1/nothing-here", headers=EN)
    assert nowhere.status_code == 404
    assert nowhere.json()["message"] == ("There is no such endpoint: /api/v1/nothing-here "
                                         "(see /docs).")
    assert (await c.get("/nothing-here")).json() == {"detail": "Not Found"}  # not the API's
    revoked = await c.get("/api/v1/tasks", headers=bearer(world.tokens["revoked"]))
    assert revoked.status_code == 401
    me = await c.get("/api/v1/me", headers=bearer(world.tokens["scjg_read"]))
    assert me.json() == {"token_id": world.ids["scjg_read"], "department": "SCJG",
                         "scopes": ["read"], "actor": f"api-token:{world.ids['scjg_read']}"}
    assert me.headers["cache-control"] == "no-store"
    write = await c.post(f"/api/v1/tasks/{world.task_code}/review",
                         json={"decision": "approve"}, headers=bearer(world.tokens["scjg_read"]))
    assert write.status_code == 403
    assert write.json()["error"] == "api-scope-missing"
    assert "“draw”" in write.json()["message"]
    upload = await c.post("/api/v1/directories/subjects/import",
                          files={"file": ("s.csv", b"x", "text/csv")},
                          headers=bearer(world.tokens["scjg_read"]))
    assert upload.status_code == 403
    broken = await c.post(f"/api/v1/tasks/{world.task_code}/review", content=b'{"decision"',
                          headers=bearer(world.tokens["sthj_draw"],
                                         **{"Content-Type": "application/json"}, **EN))
    assert broken.status_code == 422  # FastAPI's json_invalid, in the API's words
    assert broken.json()["message"].startswith("The request is malformed")
    wrong = await c.post(f"/api/v1/tasks/{world.task_code}/review", json={"decision": "maybe"},
                         headers=bearer(world.tokens["sthj_draw"]))
    assert wrong.status_code == 422
    assert wrong.json()["error"] == "api-bad-request"
    assert "decision" in wrong.json()["message"]


async def test_a_department_is_refused_another_departments_review_and_task(
        world: World) -> None:
    c, code = world.client, world.task_code
    before = await events(world.sessions)
    other = await c.post(f"/api/v1/tasks/{code}/review", headers=bearer(
        world.tokens["sthj_draw"], **EN), json={"decision": "approve", "department": "SCJG"})
    assert other.status_code == 403
    assert other.json()["error"] == "forbidden-review"
    assert other.json()["message"] == ("Only an admin of SCJG can review for that department; "
                                       "nothing was changed.")
    outside = await c.get(f"/api/v1/tasks/{code}", headers=bearer(world.tokens["jyj"]))
    assert outside.status_code == 403
    assert outside.json()["error"] == "api-not-participant"
    assert code not in {t["code"] for t in (await c.get(
        "/api/v1/tasks", headers=bearer(world.tokens["jyj"]))).json()}
    outside_review = await c.post(f"/api/v1/tasks/{code}/review", headers=bearer(
        world.tokens["jyj"]), json={"decision": "approve"})
    assert outside_review.status_code == 403
    subjects = await c.get("/api/v1/directories/subjects", params={"department": "SCJG"},
                           headers=bearer(world.tokens["sthj_draw"]))
    assert subjects.status_code == 403
    assert subjects.json()["error"] == "api-other-department"
    assert await events(world.sessions) == before
    async with world.sessions() as session:
        decisions = (await session.scalars(select(TaskReview.decision).where(
            TaskReview.task_id == world.task_id))).all()
    assert set(decisions) == {"pending"}

    mine = await c.post(f"/api/v1/tasks/{code}/review", headers=bearer(world.tokens["sthj_draw"]),
                        json={"decision": "return", "comment": "排污许可事项的样本太少"})
    assert mine.status_code == 200, mine.text
    assert mine.json()["state"] == "returned"
    async with world.sessions() as session:
        row = await session.scalar(select(TaskReview).where(
            TaskReview.task_id == world.task_id, TaskReview.decision == "return"))
        assert row is not None
        assert row.decided_by == f"api-token:{world.ids['sthj_draw']}"
        actors = (await session.scalars(select(AuditEvent.actor).where(
            AuditEvent.action == "task.review.returned"))).all()
    assert actors == [f"api-token:{world.ids['sthj_draw']}"]
    again = await c.post(f"/api/v1/tasks/{code}/review", headers=bearer(world.tokens["sthj_draw"]),
                         json={"decision": "approve"})
    assert again.status_code == 409  # not in review any more
    assert again.json()["message"] == f"任务 {code} 当前状态为“已退回”，不在会审中。"
    assert again.json()["details"]["state"] == "returned"
    detail = await c.get(f"/api/v1/tasks/{code}", headers=bearer(world.tokens["sthj_draw"]))
    assert detail.status_code == 200
    assert {"round": 1, "department": "SThJ", "decision": "return",
            "comment": "排污许可事项的样本太少"} in detail.json()["review_history"]


async def test_import_through_the_api_is_the_cli_import(world: World, tmp_path: Path) -> None:
    c, token = world.client, world.tokens["scjg_all"]

    async def count() -> int:
        async with world.sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(Subject).where(
                Subject.department_id == select(Department.id).where(
                    Department.code == "SCJG").scalar_subquery())) or 0)

    before = await count()
    wrong = code(2)[:17] + ("0" if code(2)[17] != "0" else "1")
    bad = write_csv(tmp_path / "bad.csv", SUBJECT_HEADER, [
        subject_row(1), subject_row(2, 统一社会信用代码=wrong), subject_row(3, 经度="东经114.8")])
    refused = await c.post("/api/v1/directories/subjects/import", headers=bearer(token),
                           files={"file": ("bad.csv", bad.read_bytes(), "text/csv")})
    assert refused.status_code == 422
    body = refused.json()
    assert body["error"] == "dir-import-failed"  # the CLI's words (test_cli_directories.py)
    assert body["message"] == "文件有 2 行错误（共 2 处），未写入任何数据。请改正后重新导入。"
    report = body["report"]
    assert (report["bad_rows"], report["error_count"], report["written"]) == (2, 2, False)
    assert [(e["row"], e["column"]) for e in report["errors"]] == [
        (3, "统一社会信用代码"), (4, "经度")]
    # the CLI's words for the same rows (tests/db/test_cli_directories.py)
    assert "统一社会信用代码校验位错误（按 GB 32100-2015 应为" in report["errors"][0]["message"]
    assert "不是数字" in report["errors"][1]["message"]
    assert report["errors"][1]["value"] == "东经114.8"
    assert await count() == before

    good = write_csv(tmp_path / "good.csv", SUBJECT_HEADER, [subject_row(n) for n in range(5)])
    dry = await c.post("/api/v1/directories/subjects/import", headers=bearer(token, **EN),
                       files={"file": ("good.csv", good.read_bytes(), "text/csv")},
                       data={"dry_run": "true"})
    assert dry.status_code == 200
    assert dry.json()["created"] == 5
    assert await count() == before
    done = await c.post("/api/v1/directories/subjects/import", headers=bearer(token, **EN),
                        files={"file": ("good.csv", good.read_bytes(), "text/csv")})
    assert done.status_code == 201, done.text
    assert done.json()["message"] == ("Subjects imported: 5 created, 0 updated, 0 unchanged, "
                                      "0 deactivated.")
    assert (done.json()["department"], done.json()["file"]) == ("SCJG", "good.csv")
    assert await count() == before + 5
    async with world.sessions() as session:
        closing = await session.scalar(select(AuditEvent.actor).where(
            AuditEvent.action == "directory.imported"))
    assert closing == f"api-token:{world.ids['scjg_all']}"
    page = await c.get("/api/v1/directories/subjects", headers=bearer(token),
                       params={"offset": before, "limit": 10})
    assert page.json()["total"] == before + 5
    assert [s["identifier"] for s in page.json()["subjects"]] == [code(n) for n in range(5)]
    items = await c.get("/api/v1/directories/items", headers=bearer(token))
    assert {i["code"] for i in items.json()["items"]} == {"SC-01", "SC-02", "ST-01", "YJ-01"}
    catalogue = await c.post("/api/v1/directories/items/import", headers=bearer(token),
                             files={"file": ("items.csv", b"a,b\n", "text/csv")})
    assert catalogue.status_code == 422
    assert catalogue.json()["error"] == "api-import-kind"


async def test_bodies_over_the_limit_are_413_and_fast_callers_429(
        sessions: async_sessionmaker[AsyncSession], clock: Any, world: World) -> None:
    token = world.tokens["scjg_all"]
    async with web(sessions, clock, api_max_body_bytes=2048, api_max_import_bytes=8192,
                   api_rate_burst=4, api_rate_per_minute=1) as c:
        big = await c.post(f"/api/v1/tasks/{world.task_code}/review", headers=bearer(token),
                           json={"decision": "return", "comment": "长" * 3000})
        assert big.status_code == 413
        assert big.json()["error"] == "api-too-large"
        assert "2048" in big.json()["message"]
        upload = await c.post("/api/v1/directories/subjects/import", headers=bearer(token),
                              files={"file": ("s.csv", b"x" * 9000, "text/csv")})
        assert upload.status_code == 413

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it comes
            for _ in range(10):
                yield b"{" * 1024

        streamed = await c.post(f"/api/v1/tasks/{world.task_code}/publish",
                                headers=bearer(token), content=chunks())
        assert streamed.status_code == 413
        # the refused bodies never reached the token check: the burst of 4 is whole
        answers = [(await c.get("/api/v1/me", headers=bearer(token))).status_code
                   for _ in range(4)]
        assert answers == [200, 200, 200, 200]
        limited = await c.get("/api/v1/me", headers=bearer(token, **EN))
        assert limited.status_code == 429
        assert int(limited.headers["retry-after"]) >= 1
        assert limited.json()["message"].startswith("Too many requests")
        other = await c.get("/api/v1/me", headers=bearer(world.tokens["sthj_draw"]))
        assert other.status_code == 200  # one bucket per token


@pytest.fixture
async def demo(sessions: async_sessionmaker[AsyncSession], clock: Any
               ) -> AsyncIterator[tuple[httpx.AsyncClient, str, dict[str, str]]]:
    """The demo task with its draws, checked (results due) but no result entered."""
    async with sessions() as session:
        await load_demo_data(session, clock, subjects=300, seed=7)
        summary = await create_demo_task(session, clock, **demo_task_services(session, clock))
        task = await session.get(Task, summary.task_id)
        assert task is not None
        task.state = "results_due"
        await session.commit()
        tokens = {"lead": (await issue(session, clock, "SCJG", "read,publish", "lead"))[1],
                  "other": (await issue(session, clock, "YJGL", "read,publish", "other"))[1]}
    async with web(sessions, clock) as client:
        yield client, summary.task_code, tokens


async def test_publish_before_results_is_refused_with_what_is_missing_and_draws_read(
        demo: tuple[httpx.AsyncClient, str, dict[str, str]]) -> None:
    c, code, tokens = demo
    refused = await c.post(f"/api/v1/tasks/{code}/publish", headers=bearer(tokens["lead"]),
                           json={})
    assert refused.status_code == 409
    assert refused.json()["error"] == "publication-missing-results"
    assert f"任务 {code} 尚有 10 个检查对象没有最终检查结果" in refused.json()["message"]
    not_lead = await c.post(f"/api/v1/tasks/{code}/publish", headers=bearer(tokens["other"]),
                            json={})
    assert not_lead.status_code == 403
    assert not_lead.json()["error"] == "forbidden-publish"
    early = await c.get(f"/api/v1/tasks/{code}/export", headers=bearer(tokens["lead"]),
                        params={"format": "gsxt", "as": "csv"})
    assert early.status_code == 409
    assert early.json()["error"] == "export-not-published"
    results = await c.get(f"/api/v1/tasks/{code}/results", headers=bearer(tokens["lead"]))
    assert results.status_code == 200
    assert results.json()["results"] == []
    draws = (await c.get(f"/api/v1/tasks/{code}/draws", headers=bearer(tokens["lead"]))).json()
    assert {d["kind"] for d in draws} >= {"subjects"}
    first = draws[0]["id"]
    manifest = await c.get(f"/api/v1/tasks/{code}/draws/{first}/manifest",
                           headers=bearer(tokens["lead"]))
    assert manifest.status_code == 200
    bundle = await c.get(f"/api/v1/tasks/{code}/draws/{first}/bundle",
                         headers=bearer(tokens["lead"]))
    assert bundle.status_code == 200
    assert bundle.headers["content-disposition"].startswith("attachment;")
    assert bundle.json()["commitment"] == draws[0]["commitment"]
    missing = await c.get(f"/api/v1/tasks/{code}/draws/999999/manifest",
                          headers=bearer(tokens["lead"]))
    assert missing.status_code == 404


def generated_cases(app: Any, per_operation: int) -> list[Any]:
    """``per_operation`` schemathesis cases of every operation of the app's OpenAPI schema
    that fit it, and half as many that break it, derandomised (the same cases each run)."""
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis import GenerationMode

    schema = schemathesis.openapi.from_dict(app.openapi())
    cases: list[Any] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode, count in ((GenerationMode.POSITIVE, per_operation),
                            (GenerationMode.NEGATIVE, per_operation // 2)):

            @settings(max_examples=count, deadline=None, derandomize=True, database=None,
                      phases=[Phase.explicit, Phase.generate],
                      suppress_health_check=list(HealthCheck))
            @given(operation.as_strategy(generation_mode=mode))
            def collect(case: Any) -> None:
                cases.append(case)

            try:
                collect()
            except Unsatisfiable:  # nothing to break: no parameters, no body
                assert mode == GenerationMode.NEGATIVE
    return cases


def conformance_checks() -> list[Any]:
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    return [not_a_server_error, status_code_conformance, content_type_conformance,
            response_schema_conformance]


def parts(files: list[tuple[str, tuple[str | None, Any]]] | None) -> Any:
    """schemathesis's multipart parts (requests' shape, values of any JSON type) for httpx."""
    if files is None:
        return None
    return [(name, (filename, value if isinstance(value, bytes | str) else str(value)))
            for name, (filename, value) in files]


async def test_schemathesis_finds_no_server_error(
        sessions: async_sessionmaker[AsyncSession], clock: Any, world: World) -> None:
    """Cases generated from the OpenAPI schema for every API operation, most sent with a
    valid read token, every fourth without: never a 5xx, and every answer as the schema
    documents it (status code, content type, body schema); refusals are the API's JSON."""
    client = web(sessions, clock, api_rate_burst=100_000)  # the rate is tested above
    app = client._transport.app  # type: ignore[attr-defined]
    started = dt.datetime.now(dt.UTC)
    cases = [c for c in generated_cases(app, per_operation=12)
             if c.operation.path.startswith("/api/")]
    assert len({(c.operation.method, c.operation.path) for c in cases}) >= 17
    checks = conformance_checks()
    token = world.tokens["scjg_read"]
    failures: list[str] = []
    statuses: set[int] = set()
    for n, case in enumerate(cases):
        sent = case.as_transport_kwargs(base_url="http://web")
        headers = {k: v for k, v in sent.get("headers", {}).items()
                   if k.lower() not in {"authorization", "content-length"}}
        if n % 4:
            headers["Authorization"] = f"Bearer {token}"
        data, content = sent.get("data"), sent.get("content")
        if isinstance(data, str | bytes):  # a raw body (requests' ``data=``)
            data, content = None, data
        response = await client.request(
            sent["method"], sent["url"], params=sent.get("params"), headers=headers,
            json=sent.get("json"), data=data, files=parts(sent.get("files")), content=content)
        statuses.add(response.status_code)
        response.request.read()  # schemathesis shows the request of a failure
        try:
            case.validate_response(response, checks=checks)
        except BaseExceptionGroup as exc:
            failures.append(f"{sent['method']} {case.operation.path} {response.status_code}: "
                            + "; ".join(str(e).splitlines()[0] for e in exc.exceptions))
        if 400 <= response.status_code < 500:
            assert "message" in response.json(), (sent, response.status_code, response.text)
    await client.aclose()
    assert failures == [], "\n".join(sorted(set(failures)))
    assert {200, 401, 403, 422} <= statuses  # both sides of the door were tried
    assert not {s for s in statuses if s >= 500}
    assert (dt.datetime.now(dt.UTC) - started).total_seconds() < 60


async def test_docs_load_only_local_assets_and_the_schema_documents_the_api(
        world: World) -> None:
    c = world.client
    docs = await c.get("/docs")
    assert docs.status_code == 200
    links = re.findall(r"""(?:src|href)=["']([^"']+)["']""", docs.text)
    urls = re.findall(r"""url: ?["']([^"']+)["']""", docs.text)
    assert links
    assert urls == ["/openapi.json"]
    for link in links:
        assert link.startswith("/"), link  # nothing from a CDN
        assert (await c.get(link)).status_code == 200, link
    assert "https://" not in docs.text
    schema = (await c.get("/openapi.json")).json()
    tags = {t["name"]: t["description"] for t in schema["tags"]}
    assert {"token", "directories", "plans", "tasks", "draws", "results"} <= set(tags)
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    operations = [op for path, ops in schema["paths"].items() if path.startswith("/api/v1/")
                  for op in ops.values()]
    assert len(operations) >= 17
    assert all(op.get("tags") and op.get("description") for op in operations)


class GivenResults(Provider):
    """The composition root with every drawn subject's result final (the leaders' part is
    tested elsewhere): ``ResultsSource`` overridden."""

    scope = Scope.REQUEST

    def __init__(self, results: FakeResults) -> None:
        super().__init__()
        self.results = results

    @provide
    def source(self) -> ResultsSource:
        return self.results


async def test_publish_through_the_api_then_export_in_three_formats(
        sessions: async_sessionmaker[AsyncSession], clock: Any, tmp_path: Path) -> None:
    async with sessions() as session:
        _task_id, code, ids = await demo_task(session, clock)
        token_id, token = await issue(session, clock, "SCJG", "read,publish", "lead")
        read_only = (await issue(session, clock, "SCJG", "read", "reader"))[1]
        first = await session.get(Subject, ids[0])
        assert first is not None
    config = Settings(bot_token=None)
    container = make_container(config, sessions=sessions, clock=clock, extra=(
        GivenResults(FakeResults({i: result_for(i) for i in ids})),))
    app = create_web_app(config, container)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://web") as c:
        refused = await c.post(f"/api/v1/tasks/{code}/publish", headers=bearer(read_only),
                               json={})
        assert refused.status_code == 403
        done = await c.post(f"/api/v1/tasks/{code}/publish", headers=bearer(token), json={})
        assert done.status_code == 200, done.text
        assert done.json()["version"] == 1
        assert len(done.json()["rows"]) == len(ids)
        again = await c.post(f"/api/v1/tasks/{code}/publish", headers=bearer(token), json={})
        assert again.status_code == 422
        assert again.json()["error"] == "publication-correction-needs-reason"
        files = {}
        for kind in ("json", "csv", "xlsx"):
            answer = await c.get(f"/api/v1/tasks/{code}/export", headers=bearer(read_only),
                                 params={"format": "gsxt", "as": kind})
            assert answer.status_code == 200, answer.text
            assert answer.headers["content-disposition"] == (
                f'attachment; filename="{code}-gsxt.{kind}"')
            files[kind] = tmp_path / f"gsxt.{kind}"
            files[kind].write_bytes(answer.content)
        exchange = await c.get(f"/api/v1/tasks/{code}/export", headers=bearer(read_only),
                               params={"format": "exchange", "as": "csv"})
        assert exchange.status_code == 200
        bad = await c.get(f"/api/v1/tasks/{code}/export", headers=bearer(read_only),
                          params={"format": "xml"})
        assert bad.status_code == 422
    mapping = load_mapping()
    records = read_export(files["json"], "gsxt", mapping)
    mine = next(r for r in records if r["uniscid"] == first.identifier)
    assert mine["entName"] == first.name
    assert mine["insDate"] == "2026-03-05"
    assert read_export(files["csv"], "gsxt", mapping) == records
    assert read_export(files["xlsx"], "gsxt", mapping) == records
    assert "UNISCID" in exchange.text.splitlines()[0]
    async with sessions() as session:
        actor = await session.scalar(select(AuditEvent.actor).where(
            AuditEvent.action == "publication.publish"))
    assert actor == f"api-token:{token_id}"


async def test_every_task_route_refuses_a_department_outside_and_writes_a_read_token(
        world: World) -> None:
    c, code = world.client, world.task_code
    outside = bearer(world.tokens["jyj"])
    for path in ("", "/draws", "/draws/1/manifest", "/draws/1/bundle", "/records", "/results",
                 "/export"):
        answer = await c.get(f"/api/v1/tasks/{code}{path}", headers=outside)
        assert (answer.status_code, answer.json()["error"]) == (403, "api-not-participant"), path
    for path in ("/review", "/publish"):
        answer = await c.post(f"/api/v1/tasks/{code}{path}", headers=outside,
                              json={"decision": "approve"})
        assert answer.status_code == 403, path
    reader = bearer(world.tokens["scjg_read"])
    for path, kwargs in ((f"/tasks/{code}/review", {"json": {"decision": "approve"}}),
                         (f"/tasks/{code}/publish", {"json": {}}),
                         ("/directories/subjects/import",
                          {"files": {"file": ("s.csv", b"a", "text/csv")}})):
        answer = await c.post(f"/api/v1{path}", headers=reader, **kwargs)  # type: ignore[arg-type]
        assert (answer.status_code, answer.json()["error"]) == (403, "api-scope-missing"), path
    assert (await c.get(f"/api/v1/tasks/{code}", headers=reader)).status_code == 200


async def test_guessing_tokens_is_rate_limited_per_address(
        sessions: async_sessionmaker[AsyncSession], clock: Any, world: World) -> None:
    async with web(sessions, clock, api_rate_burst=3, api_rate_per_minute=1) as c:
        guesses = [(await c.get("/api/v1/me", headers=bearer(
            f"jct_{n:012x}_{'A' * 43}"))).status_code for n in range(4)]
        assert guesses == [401, 401, 401, 429]


async def test_tokens_are_issued_and_revoked_by_the_department_or_the_organiser(
        sessions: async_sessionmaker[AsyncSession], clock: Any) -> None:
    def admin(department: str) -> Actor:
        return Actor(account_id=7, name=f"{department} 管理员",
                     roles=frozenset({Role.DEPT_ADMIN}), department_code=department)

    async with sessions() as session:
        await build_directory(session)
        service = ApiTokenService(session, clock, AuditTrail(session, clock))
        view, _secret = await service.issue("SCJG", "read", "组织者签发", ORGANISER)
        assert view.created_by == "account:1"
        with pytest.raises(Forbidden) as refused:
            await service.issue("SCJG", "read", "别的部门", admin("SThJ"))
        assert refused.value.key == "forbidden-token-issue"
        with pytest.raises(Forbidden):
            await service.revoke(view.id, admin("SThJ"))
        assert (await service.list_tokens("SCJG"))[0].active
        assert not (await service.revoke(view.id, admin("SCJG"))).active
        with pytest.raises(ValidationFailed):
            await service.issue("SCJG", "", "无范围", ORGANISER)
