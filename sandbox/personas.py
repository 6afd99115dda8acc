"""Demo people the sandbox page offers when no ``--personas`` file is given.

Each persona: ``user_id`` (the Telegram user id they chat as), ``name``, ``role``,
``department``, ``language_code``, ``description``; optional English fields ``name_en``,
``role_en``, ``department_en``, ``description_en`` for the page's English toggle.
"""

from __future__ import annotations

from typing import Any


def validate_personas(body: Any) -> list[dict[str, Any]]:
    """A list of personas (or ``{"personas": [...]}``), each with an integer user_id and a name."""
    if isinstance(body, dict):
        body = body.get("personas")
    if not isinstance(body, list) or not all(
        isinstance(p, dict) and isinstance(p.get("user_id"), int)
        and not isinstance(p.get("user_id"), bool) and p.get("name")
        for p in body
    ):
        raise ValueError("a list of personas with user_id and name is required")
    return body


def default_personas() -> list[dict[str, Any]]:
    """Four people of Ezhou's joint inspections, one per role."""
    return [
        {
            "user_id": 910001, "name": "张三", "name_en": "Zhang San",
            "role": "检查人员", "role_en": "Inspector",
            "department": "市场监督管理局", "department_en": "Market Supervision Bureau",
            "language_code": "zh-hans",
            "description": "执法证持证人员，被抽中参加联合抽查",
            "description_en": "Certified inspector drawn for a joint check",
        },
        {
            "user_id": 910002, "name": "李四", "name_en": "Li Si",
            "role": "组长", "role_en": "Team leader",
            "department": "市场监督管理局", "department_en": "Market Supervision Bureau",
            "language_code": "zh-hans",
            "description": "牵头部门抽中的检查组组长",
            "description_en": "Team leader drawn from the lead department",
        },
        {
            "user_id": 910003, "name": "王五", "name_en": "Wang Wu",
            "role": "部门管理员", "role_en": "Department admin",
            "department": "生态环境局", "department_en": "Ecology and Environment Bureau",
            "language_code": "zh-hans",
            "description": "负责本部门联合任务会审",
            "description_en": "Reviews joint tasks for the department (会审)",
        },
        {
            "user_id": 910004, "name": "赵六", "name_en": "Zhao Liu",
            "role": "分管领导", "role_en": "Supervisor",
            "department": "市人民政府", "department_en": "Municipal Government",
            "language_code": "en",
            "description": "查看抽查进度与结果（英文界面）",
            "description_en": "Follows progress and results (English interface)",
        },
    ]
