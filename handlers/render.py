"""Text and keyboards of the bot: services return data, these functions make what people read.

Every string comes from ``bot/locales/<lang>/bot.ftl``; no message exceeds Telegram's 4096
characters (long sections are paged, each page with its own buttons).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from aiogram.types import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder
from services.accounts import AccountView, Role
from services.assignments import Assignment, AssignmentSummary, ItemGuidance, Member
from services.review_brief import ReviewBrief
from services.vocabulary import ReviewDecision

from handlers import labels
from handlers.callbacks import ReviewCb, TaskCb, TaskListCb
from handlers.i18n import Translator, has

MAX_TEXT = 4096
PAGE_BUDGET = 3500  # leaves room for the page footer
SECTIONS = ("o", "i", "s")
# the dates a task's deadlines hold, in the order shown
DEADLINE_ORDER = ("check_started", "check_finished", "results_due")
SECTION_KEYS = {"o": "tasks-section-overview", "i": "tasks-section-items",
                "s": "tasks-section-subjects"}

# commands each role may use, in menu order (the menu and setMyCommands show the same)
COMMANDS_EVERYONE = ("start", "help")
COMMANDS_BY_ROLE: dict[str, tuple[str, ...]] = {
    Role.INSPECTOR: ("tasks", "record", "code", "results"),
    Role.DEPT_ADMIN: ("review", "progress", "overdue"),
    Role.ORGANISER: ("progress", "overdue"),
    Role.SUPERVISOR: ("progress", "overdue"),
}


def day(value: dt.date | str | None) -> str:
    """A date as officials write it: 2026-03-05."""
    if value is None:
        return ""
    return value if isinstance(value, str) else value.isoformat()


def paginate(lines: Sequence[str], budget: int = PAGE_BUDGET) -> list[str]:
    """Join ``lines`` into pages of at most ``budget`` characters, never splitting a line
    unless one line alone is longer than a page."""
    pages: list[str] = []
    current: list[str] = []
    size = 0
    for original in lines:
        line = original
        while len(line) > budget:  # a single overlong line (a long requirement text)
            if current:
                pages.append("\n".join(current))
                current, size = [], 0
            pages.append(line[:budget])
            line = line[budget:]
        if current and size + len(line) + 1 > budget:
            pages.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if current or not pages:
        pages.append("\n".join(current))
    return pages


# -- menu ----------------------------------------------------------------------------------------


def commands_for(account: AccountView | None) -> list[str]:
    """The commands an account's roles allow."""
    commands = list(COMMANDS_EVERYONE)
    for role in account.roles if account else ():
        commands.extend(c for c in COMMANDS_BY_ROLE.get(role, ()) if c not in commands)
    commands.append("cancel")
    return commands


def bot_commands(account: AccountView | None, tr: Translator) -> list[BotCommand]:
    """The command list for ``setMyCommands``."""
    return [BotCommand(command=c, description=tr(f"bot-cmd-{c}")) for c in commands_for(account)]


def help_text(account: AccountView | None, tr: Translator) -> str:
    """``/help``: what the bot does and one line per command this person may use — a
    reviewer's command is not offered to someone who cannot review (issue 9 item 20)."""
    lines = [tr("bot-help-intro")]
    lines.extend(tr(f"bot-help-{c}") for c in commands_for(account) if has(f"bot-help-{c}"))
    lines.append(tr("bot-help-accounts"))
    return "\n".join(lines)


def leaderships(summaries: Sequence[AssignmentSummary], tr: Translator) -> list[str]:
    """The teams this person leads, for the greeting: which team of which task."""
    return [tr("bot-leads-team", team=s.team_number, code=s.task_code, name=s.task_name)
            for s in summaries if s.is_leader and s.team_number is not None]


def menu(account: AccountView, tr: Translator, *, just_bound: bool = False,
         leads: Sequence[str] = ()) -> str:
    """The greeting with the person's roles and the commands they may use."""
    department = account.department_name or account.department_code or ""
    lines = [tr("bot-bound" if just_bound else "bot-greeting", name=account.name,
                department=department)]
    if account.roles:
        roles = "、".join(tr(f"bot-role-{r}") for r in account.roles)
        lines.append(tr("bot-roles", roles=roles))
    lines.extend(leads)
    lines.append("")
    lines.append(tr("bot-menu-title"))
    lines.extend(f"/{c} — {tr(f'bot-cmd-{c}')}" for c in commands_for(account))
    return "\n".join(lines)


# -- assignments ---------------------------------------------------------------------------------


def assignment_list(
    summaries: Sequence[AssignmentSummary], tr: Translator
) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """``/tasks``: a line per assignment and a details button each (on the last page)."""
    if not summaries:
        return [(tr("tasks-none"), None)]
    lines = [tr("tasks-title", count=len(summaries))]
    builder = InlineKeyboardBuilder()
    for n, item in enumerate(summaries, start=1):
        lines.append(
            tr(
                "tasks-line", n=n, code=item.task_code, name=item.task_name,
                team=item.team_number if item.team_number is not None else "-",
                leader_mark=(" " + tr("tasks-leader-mark")) if item.is_leader else "",
                start=day(item.window_start), end=day(item.window_end),
                subjects=item.subject_count, state=state_name(item.state, tr),
            )
        )
        builder.button(
            text=tr("tasks-open-button", n=n, code=item.task_code),
            callback_data=TaskCb(task_id=item.task_id, section="o", page=0),
        )
    builder.adjust(1)
    pages = paginate(lines)
    result: list[tuple[str, InlineKeyboardMarkup | None]] = [(p, None) for p in pages]
    result[-1] = (pages[-1], builder.as_markup())
    return result


def state_name(state: str, tr: Translator) -> str:
    """A task state in words."""
    key = f"bot-state-{state}"
    return tr(key) if has(key) else state


def _method(code: str, tr: Translator) -> str:
    key = f"task-method-{code}"
    return tr(key) if has(key) else code


def _member_line(member: Member, my_id: int | None, tr: Translator) -> str:
    marks = []
    if member.is_leader:
        marks.append(tr("task-member-leader"))
    if member.is_expert:
        marks.append(tr("task-member-expert"))
    if my_id is not None and member.inspector_id == my_id:
        marks.append(tr("task-member-me"))
    department = member.department_name or member.department_code or ""
    return tr("task-member", name=member.name, department=department,
              mark=" ".join(marks)).rstrip()


def _overview_lines(a: Assignment, my_id: int | None, tr: Translator) -> list[str]:
    s = a.summary
    lines = [
        tr("task-heading", code=s.task_code, name=s.task_name),
        tr("task-state", state=state_name(s.state, tr)),
        tr("task-lead", lead=a.lead_department_name or a.lead_department_code),
        tr("task-window", start=day(s.window_start), end=day(s.window_end)),
    ]
    for what in DEADLINE_ORDER:  # translated labels, never the stored keys (issue 9 item 15)
        date = a.deadlines.get(what)
        if isinstance(date, str) and len(date) == 10:
            lines.append(tr(f"task-deadline-{what}", date=date,
                            days=a.deadlines.get(f"{what}_working_days", "")))
    lines.append("")
    lines.append(tr("task-team", team=s.team_number if s.team_number is not None else "-"))
    if a.leader:
        department = a.leader.department_name or a.leader.department_code or ""
        lines.append(tr("task-leader", name=a.leader.name, department=department))
    else:
        lines.append(tr("task-leader-pending"))
    lines.append(tr("task-members"))
    lines.extend(_member_line(m, my_id, tr) for m in a.members)
    return lines


def _item_pages(a: Assignment, tr: Translator) -> list[str]:
    """The items with their guidance, one item per page: a phone shows one screen at a time
    (issue 9 item 20); an item longer than a page continues on the next."""
    heading = [tr("task-heading", code=a.summary.task_code, name=a.summary.task_name),
               tr("task-items")]
    if not a.items:
        return ["\n".join(heading)]
    pages: list[str] = []
    for n, item in enumerate(a.items, start=1):
        pages.extend(paginate([*heading, *_one_item(n, item, tr)]))
    return pages


def _one_item(n: int, item: ItemGuidance, tr: Translator) -> list[str]:
    lines = [tr("task-item", n=n, name=item.name, code=item.code)]
    if item.legal_basis:
        lines.append(tr("task-item-basis", basis=item.legal_basis))
    if item.checklist:
        lines.append(tr("task-item-checklist"))
        lines.extend(tr("task-item-point", point=p) for p in item.checklist)
    if item.methods:
        lines.append(tr("task-item-methods",
                        methods="、".join(_method(m, tr) for m in item.methods)))
    if item.requirements:
        lines.append(tr("task-item-requirements", requirements=item.requirements))
    return lines


def _subject_lines(a: Assignment, tr: Translator) -> list[str]:
    lines = [tr("task-heading", code=a.summary.task_code, name=a.summary.task_name)]
    if not a.subjects:
        return [*lines, tr("task-subjects-none")]
    lines.append(tr("task-subjects"))
    for stop in a.subjects:
        planned = tr("task-subject-planned", date=day(stop.planned_on)) if stop.planned_on else ""
        address = " ".join(part for part in (stop.district, stop.address) if part)
        lines.append(tr("task-subject", n=stop.position, name=stop.name, address=address,
                        planned=planned))
    return lines


def assignment_section(
    a: Assignment, my_inspector_id: int | None, section: str, page: int, tr: Translator
) -> tuple[str, InlineKeyboardMarkup]:
    """One page of one section of an assignment, with section, paging and back buttons."""
    if section == "i":
        pages = _item_pages(a, tr)
    elif section == "s":
        pages = paginate(_subject_lines(a, tr))
    else:
        section, pages = "o", paginate(_overview_lines(a, my_inspector_id, tr))
    page = min(max(page, 0), len(pages) - 1)
    text = pages[page]
    if len(pages) > 1:
        text = f"{text}\n\n{tr('tasks-page', page=page + 1, pages=len(pages))}"
    task_id = a.summary.task_id
    rows: list[list[InlineKeyboardButton]] = []
    if len(pages) > 1:
        nav = []
        if page > 0:
            nav.append(InlineKeyboardButton(
                text=tr("tasks-prev"),
                callback_data=TaskCb(task_id=task_id, section=section, page=page - 1).pack()))
        if page < len(pages) - 1:
            nav.append(InlineKeyboardButton(
                text=tr("tasks-next"),
                callback_data=TaskCb(task_id=task_id, section=section, page=page + 1).pack()))
        rows.append(nav)
    rows.append([
        InlineKeyboardButton(
            text=("· " if s == section else "") + tr(SECTION_KEYS[s]),
            callback_data=TaskCb(task_id=task_id, section=s, page=0).pack(),
        )
        for s in SECTIONS
    ])
    rows.append([InlineKeyboardButton(text=tr("tasks-back"), callback_data=TaskListCb().pack())])
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


# -- review (会审) --------------------------------------------------------------------------------


def review_card(
    *, task_id: int, code: str, name: str, department: str, department_name: str | None,
    window_start: dt.date | str, window_end: dt.date | str, review_round: int, tr: Translator,
    brief: ReviewBrief | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    """A task waiting for the department's review, with Approve / Return buttons that carry the
    department's code and the review round. With a ``brief`` the card shows what a reviewer
    needs: items, scope, sample, teams and members, the round, the previous returns and what
    changed since (issue 9 item 12)."""
    if brief is None:
        text = tr("review-card", code=code, name=name,
                  department=department_name or department,
                  start=day(window_start), end=day(window_end))
    else:
        sep = ", " if tr.language == "en" else "、"
        members = sep.join(tr("review-card-members", department=dept_name, count=n)
                           for _, dept_name, n in brief.members_per_team)
        lines = [tr(
            "review-card-full", code=brief.code, name=brief.name, round=brief.review_round,
            department=department_name or brief.department_name,
            start=day(brief.window_start), end=day(brief.window_end),
            items=sep.join(f"{n}（{c}）" if tr.language != "en" else f"{n} ({c})"
                           for c, n in brief.items),
            scope=labels.scope_or_all(brief.scope, tr),
            sample=labels.sample_text(brief.sample, tr), teams=brief.team_count,
            members=members,
        )]
        lines.extend(tr("review-card-returned", department=d, comment=c)
                     for d, c in brief.returned_with)
        if brief.returned_with:
            lines.append(
                tr("review-card-changed", fields=sep.join(
                    tr(f"review-field-{f}") if has(f"review-field-{f}") else f
                    for f in brief.changed))
                if brief.changed else tr("review-card-unchanged"))
        text = "\n".join(lines)
    builder = InlineKeyboardBuilder()
    for label, action in (("review-approve-button", ReviewDecision.APPROVE.value),
                          ("review-return-button", ReviewDecision.RETURN.value)):
        builder.button(text=tr(label), callback_data=ReviewCb(
            task_id=task_id, department=department, review_round=review_round, action=action))
    return text, builder.as_markup()
