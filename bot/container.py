"""The composition root (dishka): the one place where settings, the engine and its session
factory, the clock, the drand relays (the public entropy source, behind a port), the outbox
sender and every service are built.

Scopes: ``APP`` lives as long as the process (settings, engine, clock, relays); ``REQUEST`` is
one update in the bot (``bot.middlewares.ContainerMiddleware``), one command in the CLI
(``cli.common.scope``) and one HTTP request in web (dishka's FastAPI integration). Each
request scope has one ``AsyncSession``; every service of that scope shares it.

Nothing else constructs a service: handlers, CLI commands and routes ask the scope for one.
Tests build the same container around their own session factory and pinned clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

from dishka import AsyncContainer, Provider, Scope, from_context, make_async_container, provide
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings, file_store_config
from bot.drand_http import HttpxRelayTransport
from bot.telegram import build_bot
from bot.worker import OutboxBot, telegram_deliver
from services.accounts import AccountService
from services.api_tokens import ApiTokenService
from services.archive import ArchiveService
from services.assignments import AssignmentService
from services.audit import AuditTrail
from services.calendar import CalendarService
from services.clock import Clock, offset_clock, utc_now
from services.directories.importer import DirectoryImporter
from services.directory_reads import DirectoryReads
from services.drand_relay import DrandRelays, RelayTransport
from services.draws import DrawService
from services.inspection_codes import CodeSigner, InspectionCodeService, load_signer
from services.notifications import Deliver, NotificationScanner, OutboxSender, RateLimiter
from services.plans import PlanService
from services.progress import ProgressService
from services.progress_links import ProgressLinks, ProgressLinkService, load_link_secret
from services.publication import PublicationService, ResultsSource
from services.records import RecordService
from services.referrals import ReferralService
from services.reminder_times import ReminderPolicy
from services.reminders import ReminderScanner
from services.result_source import RecordedResults
from services.results import ResultService
from services.schedule import ScheduleService
from services.tasks import TaskService
from storage.db import create_engine, session_factory
from storage.files import FileStore, build_file_store


class Infrastructure(Provider):
    """Process-wide parts (settings, clock, drand relays) and one session per request scope."""

    settings = from_context(Settings, scope=Scope.APP)
    clock = from_context(Clock, scope=Scope.APP)

    @provide(scope=Scope.REQUEST)
    async def session(
        self, sessions: async_sessionmaker[AsyncSession]
    ) -> AsyncIterator[AsyncSession]:
        """One session per update, command or HTTP request; the services commit."""
        async with sessions() as session:
            yield session

    @provide(scope=Scope.APP)
    def file_store(self, settings: Settings) -> FileStore:
        """Evidence, PDFs and exports: the local directory or the S3 bucket of the settings."""
        return build_file_store(file_store_config(settings))

    @provide(scope=Scope.APP)
    def relay_transport(self) -> RelayTransport:
        """drand relays over HTTP (httpx stays out of ``services/``)."""
        return HttpxRelayTransport()

    @provide(scope=Scope.APP)
    def drand_relays(self, settings: Settings, transport: RelayTransport) -> DrandRelays:
        """The configured relays (``JOINTCHECK_DRAND_RELAYS``), tried in order."""
        return DrandRelays(transport, tuple(settings.drand_relays),
                           settings.drand_relay_timeout_seconds)


class Sending(Provider):
    """The one outbox sender (the worker's): its Bot, Telegram's limits, the delivery."""

    scope = Scope.APP

    @provide
    async def outbox_bot(self, settings: Settings) -> AsyncIterator[OutboxBot]:
        """A Bot for ``JOINTCHECK_BOT_TOKEN`` without the retry middleware; closed with the
        container. Asked for only by the worker, so the CLI and web need no token."""
        bot = build_bot(settings, retry_on_flood=False)
        try:
            yield OutboxBot(bot)
        finally:
            await bot.session.close()

    @provide
    def deliver(self, bot: OutboxBot) -> Deliver:
        """Render a row in its recipient's language and send it through the Bot API."""
        return telegram_deliver(bot)

    @provide
    def limiter(self) -> RateLimiter:
        """About 30 messages a second per bot and 1 a second per chat (DESIGN.md §7)."""
        return RateLimiter()

    @provide
    def sender(self, sessions: async_sessionmaker[AsyncSession], clock: Clock,
               deliver: Deliver, limiter: RateLimiter, settings: Settings) -> OutboxSender:
        """The outbox sender, within Telegram's limits and honouring ``retry_after``."""
        return OutboxSender(sessions, clock, deliver, limiter,
                            lease=dt.timedelta(seconds=settings.outbox_lease_seconds))


class ConfiguredDatabase(Provider):
    """The engine of ``JOINTCHECK_DATABASE_URL`` and its session factory."""

    @provide(scope=Scope.APP)
    async def engine(self, settings: Settings) -> AsyncIterator[AsyncEngine]:
        """The configured database; disposed of when the container closes."""
        engine = create_engine(settings.database_url)
        try:
            yield engine
        finally:
            await engine.dispose()

    @provide(scope=Scope.APP)
    def sessions(self, engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
        """``expire_on_commit=False`` sessions on the engine (storage.db)."""
        return session_factory(engine)


class GivenDatabase(Provider):
    """A session factory someone else owns (tests, a process that already opened one)."""

    sessions = from_context(async_sessionmaker[AsyncSession], scope=Scope.APP)


class Services(Provider):
    """Every domain service, built per request scope with the settings' figures."""

    scope = Scope.REQUEST

    @provide
    def audit(self, session: AsyncSession, clock: Clock) -> AuditTrail:
        """The hash-chained audit trail."""
        return AuditTrail(session, clock)

    @provide
    def accounts(self, session: AsyncSession, clock: Clock) -> AccountService:
        """Accounts, invitations and roles."""
        return AccountService(session, clock)

    @provide
    def assignments(self, session: AsyncSession) -> AssignmentService:
        """What an inspector was drawn for."""
        return AssignmentService(session)

    @provide
    def calendar(self, session: AsyncSession, clock: Clock, settings: Settings) -> CalendarService:
        """Working days; results due ``result_due_working_days`` after the check (Art. 16)."""
        return CalendarService(session, clock, settings.result_due_working_days)

    @provide
    def plans(self, session: AsyncSession, clock: Clock, settings: Settings) -> PlanService:
        """The annual plan with the configured deadlines (Art. 11)."""
        return PlanService(session, clock, submission_deadline=settings.plan_submission_deadline,
                           approval_deadline=settings.plan_approval_deadline)

    @provide
    def tasks(self, session: AsyncSession, clock: Clock, calendar: CalendarService) -> TaskService:
        """Joint tasks and their review (Art. 12)."""
        return TaskService(session, clock, calendar)

    @provide
    def draws(self, session: AsyncSession, clock: Clock, settings: Settings,
              tasks: TaskService) -> DrawService:
        """Verifiable draws with the configured repeat and pairing windows (Art. 13, 14)."""
        return DrawService(session, clock, tasks=tasks,
                           repeat_window_months=settings.repeat_inspection_window_months,
                           pairing_window_months=settings.recent_pairing_window_months)

    @provide
    def schedules(self, session: AsyncSession, clock: Clock, settings: Settings,
                  calendar: CalendarService) -> ScheduleService:
        """The teams' schedules and routes (Art. 13), visits a day capped by the settings."""
        return ScheduleService(session, clock, settings.schedule_max_visits_per_day,
                               calendar=calendar)

    @provide
    def directory_importer(self, session: AsyncSession, clock: Clock,
                           audit: AuditTrail) -> DirectoryImporter:
        """Directory imports (Art. 8, 9), all-or-nothing."""
        return DirectoryImporter(session, clock, audit)

    @provide
    def results_source(self, results: ResultService, records: RecordService) -> ResultsSource:
        """Final results for publication: the leaders' results and the submitted records."""
        return RecordedResults(results, records)

    @provide
    def publication(self, session: AsyncSession, clock: Clock, settings: Settings,
                    results: ResultsSource) -> PublicationService:
        """The public pages' reads and the organiser's publication (一公开)."""
        return PublicationService(session, clock, results, settings.division_code)

    @provide
    def notification_scanner(self, session: AsyncSession, clock: Clock, policy: ReminderPolicy,
                             reminders: ReminderScanner) -> NotificationScanner:
        """The scans that queue notices and reminders in the outbox."""
        return NotificationScanner(session, clock, policy, reminders)

    @provide(scope=Scope.APP)
    def reminder_policy(self, settings: Settings) -> ReminderPolicy:
        """Every reminder interval, from the settings (issue 12)."""
        return reminder_policy(settings)

    @provide
    def reminder_scanner(self, session: AsyncSession, clock: Clock, calendar: CalendarService,
                         policy: ReminderPolicy) -> ReminderScanner:
        """Reminders, escalation and the supervisor's digest (issue 12)."""
        return ReminderScanner(session, clock, calendar, policy)

    @provide
    def records(self, session: AsyncSession, clock: Clock, settings: Settings,
                files: FileStore) -> RecordService:
        """Check records and their evidence (Art. 15, 19), with the upload limit and the
        distance past which a location is flagged."""
        return RecordService(session, clock, files, max_upload_bytes=settings.max_upload_bytes,
                             location_flag_m=settings.record_location_flag_m)

    @provide
    def results(self, session: AsyncSession, clock: Clock, calendar: CalendarService,
                tasks: TaskService, records: RecordService) -> ResultService:
        """The team's final results and the 20-working-day deadline (Art. 13, 16)."""
        return ResultService(session, clock, calendar, tasks, records)

    @provide
    def referrals(self, session: AsyncSession, clock: Clock) -> ReferralService:
        """告知 and 移送 of findings (Art. 17)."""
        return ReferralService(session, clock)

    @provide
    def archive(self, clock: Clock, tasks: TaskService, records: RecordService,
                results: ResultService, referrals: ReferralService) -> ArchiveService:
        """A task's records, results, forms and evidence for the archive (Art. 19)."""
        return ArchiveService(clock, tasks, records, results, referrals)

    @provide
    def api_tokens(self, session: AsyncSession, clock: Clock,
                   audit: AuditTrail) -> ApiTokenService:
        """Admin API tokens: issued, revoked and resolved to an actor (issue 13 item 5)."""
        return ApiTokenService(session, clock, audit)

    @provide
    def directory_reads(self, session: AsyncSession) -> DirectoryReads:
        """Paged directory reads for the admin API."""
        return DirectoryReads(session)


class Progress(Provider):
    """The Art. 22 figures (issue 12 item 3)."""

    scope = Scope.REQUEST

    @provide
    def progress(self, session: AsyncSession) -> ProgressService:
        """Figures per department, read-only."""
        return ProgressService(session)

    @provide(scope=Scope.APP)
    def progress_links(self, settings: Settings) -> ProgressLinks:
        """The signed links' secret: the setting, or the generated key file."""
        secret = settings.progress_link_secret
        return ProgressLinks(load_link_secret(secret.get_secret_value() if secret else None,
                                              settings.progress_link_key_path))

    @provide
    def progress_link_register(self, session: AsyncSession, clock: Clock, audit: AuditTrail,
                               links: ProgressLinks) -> ProgressLinkService:
        """Every link printed, revocable one by one."""
        return ProgressLinkService(session, clock, audit, links)


class Codes(Provider):
    """Inspection codes (亮码, issue 13 item 4): the signing key once, the service per scope."""

    @provide(scope=Scope.APP)
    def code_signer(self, settings: Settings) -> CodeSigner:
        """``JOINTCHECK_CODE_SIGNING_KEY`` (a path or a base64 seed) or the generated PEM at
        ``JOINTCHECK_CODE_KEY_PATH``."""
        key = settings.code_signing_key
        return load_signer(key.get_secret_value() if key else None, settings.code_key_path)

    @provide(scope=Scope.REQUEST)
    def inspection_codes(self, session: AsyncSession, clock: Clock, settings: Settings,
                         signer: CodeSigner) -> InspectionCodeService:
        """Issuing, checking and answering codes, valid ``code_valid_minutes``."""
        return InspectionCodeService(session, clock, signer,
                                     valid_minutes=settings.code_valid_minutes,
                                     department_phones=settings.department_phones)


def reminder_policy(settings: Settings) -> ReminderPolicy:
    """The reminders' figures from the settings."""
    quiet_start, quiet_end = ReminderPolicy.parse_quiet(settings.quiet_hours)

    def hm(text: str) -> dt.time:
        return dt.time(int(text[:2]), int(text[3:5]))

    return ReminderPolicy(
        review_pending_working_days=settings.reminder_review_pending_working_days,
        draw_lead_working_days=settings.reminder_draw_lead_working_days,
        schedule_lead_working_days=settings.reminder_schedule_lead_working_days,
        confirm_working_days=settings.reminder_confirm_working_days,
        confirm_escalate_working_days=settings.reminder_confirm_escalate_working_days,
        inspection_eve_time=hm(settings.reminder_inspection_eve_time),
        results_soon_working_days=settings.reminder_results_soon_working_days,
        result_due_working_days=settings.result_due_working_days,
        reminder_time=hm(settings.reminder_time), digest_time=hm(settings.digest_time),
        record_missing_time=hm(settings.reminder_record_missing_time),
        correction_time=hm(settings.reminder_correction_time),
        quiet_start=quiet_start, quiet_end=quiet_end,
        plan_reminders_from=settings.reminder_plan_from,
        plan_submission_deadline=settings.plan_submission_deadline,
        plan_approval_deadline=settings.plan_approval_deadline,
        plan_approval_lead_working_days=settings.reminder_plan_approval_lead_working_days,
    )


def make_container(
    settings: Settings,
    *,
    sessions: async_sessionmaker[AsyncSession] | None = None,
    clock: Clock = utc_now,
    extra: tuple[Provider, ...] = (),
) -> AsyncContainer:
    """The application container. With ``sessions`` it uses that factory (and leaves its
    engine alone); otherwise it opens the configured database and disposes of it on close."""
    if settings.clock_offset_seconds:
        clock = offset_clock(settings.clock_offset_seconds, clock)
    context: dict[object, object] = {Settings: settings, Clock: clock}
    database: Provider = ConfiguredDatabase()
    if sessions is not None:
        context[async_sessionmaker[AsyncSession]] = sessions
        database = GivenDatabase()
    return make_async_container(Infrastructure(), database, Sending(), Services(), Progress(),
                                Codes(), *extra, context=context)
