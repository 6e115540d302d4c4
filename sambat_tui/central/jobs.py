"""The periodic SLA job: escalate missed deadlines, close responded complaints whose reply window passed,
and keep the change log and the idempotency keys within their retention.

``run_jobs`` is what the server runs on an interval (``JobRunner``) and what tests call with a fixed clock.
Candidates are found with one read, then each complaint is re-read and re-checked inside its own write, so a
desk acting at the same moment wins or loses cleanly and nothing is escalated or closed twice.
"""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sambat_tui.central.context import Context
from sambat_tui.central.intake import SYSTEM_AUTHOR
from sambat_tui.central.records import Deadline, ScopeKey
from sambat_tui.central.storage import DueColumn
from sambat_tui.central.workflow import advance, follow_original, status_change
from sambat_tui.contract import Disposition
from sambat_tui.domain import transitions as rules
from sambat_tui.domain.calendar import JAKARTA
from sambat_tui.domain.model import Action, DispositionKind, Status

log = logging.getLogger(__name__)

BATCH = 2000
"""Complaints looked at per deadline and run; the rest wait for the next run (the lock is never held long)."""


@dataclass(frozen=True, slots=True)
class EscalationRule:
    deadline: Deadline
    column: DueColumn
    statuses: tuple[Status, ...]
    unanswered_only: bool
    label: str


ESCALATION_RULES: tuple[EscalationRule, ...] = (
    # Verified and forwarded within verify_days: only the triage queue can miss it.
    EscalationRule(Deadline.VERIFY, "verify_due", (Status.RECEIVED,), False, "verifikasi"),
    # The agency's first public response within response_days.
    EscalationRule(
        Deadline.RESPONSE,
        "response_due",
        (Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_HOLD),
        True,
        "tanggapan pertama",
    ),
    # Resolution within the class's days, while nobody has answered with a response yet.
    EscalationRule(
        Deadline.RESOLVE,
        "resolve_due",
        (Status.RECEIVED, Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_HOLD, Status.RETURNED),
        False,
        "penyelesaian",
    ),
)


@dataclass(frozen=True, slots=True)
class JobReport:
    escalated: int = 0
    closed: int = 0
    compacted: int = 0
    purged: int = 0


def run_jobs(context: Context, now: datetime | None = None) -> JobReport:
    """One run of everything periodic, at ``now`` (default: the context's clock)."""
    moment = context.now() if now is None else now
    escalated = sum(escalate_overdue(context, rule, moment) for rule in ESCALATION_RULES)
    closed = close_after_reply_window(context, moment)
    compacted = purged = 0
    settings = context.settings
    with context.storage.write(moment) as tx:
        if settings.feed_retention_days is not None:
            compacted = tx.compact_feed(moment - timedelta(days=settings.feed_retention_days))
        purged = tx.purge_responses(moment - timedelta(days=settings.idempotency_retention_days))
    return JobReport(escalated=escalated, closed=closed, compacted=compacted, purged=purged)


def escalate_overdue(context: Context, rule: EscalationRule, now: datetime) -> int:
    with context.storage.read() as tx:
        ids = tx.complaint_ids_past(
            rule.column,
            statuses=rule.statuses,
            now=now,
            not_escalated_for=rule.deadline,
            unanswered_only=rule.unanswered_only,
            limit=BATCH,
        )
    done = 0
    for complaint_id in ids:
        with context.storage.write(now) as tx:
            before = tx.complaint(complaint_id)
            if before is None:
                continue
            current = before.complaint
            due = {
                Deadline.VERIFY: current.sla.verify_due,
                Deadline.RESPONSE: current.sla.response_due,
                Deadline.RESOLVE: current.sla.resolve_due,
            }[rule.deadline]
            still_due = (
                current.status in rule.statuses
                and rule.deadline not in before.escalated
                and not (rule.unanswered_only and current.first_response_at is not None)
                and context.calendar.is_overdue(due, now)
            )
            if not still_due:
                continue
            target = current.agency_id or context.settings.coordinator_agency_id
            rules.check_disposition(DispositionKind.ESCALATE, None, None, current.agency_id, target)
            status = rules.status_after_disposition(current.status, DispositionKind.ESCALATE)
            after = advance(
                before,
                now,
                escalated=before.escalated | {rule.deadline},
                status=status,
                escalation_level=current.escalation_level + 1,
            )
            tx.save_complaint(after, before)
            when = due.astimezone(JAKARTA).strftime("%d-%m-%Y")
            escalation = Disposition(
                id=uuid.uuid4(),
                complaint_id=current.id,
                kind=DispositionKind.ESCALATE,
                from_agency_id=current.agency_id,
                from_desk_id=current.desk_id,
                to_agency_id=target,
                reason=f"Batas waktu {rule.label} terlewati (jatuh tempo {when} WIB)",
                rule_id=f"sla.{rule.deadline.value}",
                created_at=now,
            )
            tx.insert_dispositions([(escalation, ScopeKey.of(after.complaint))])
            done += 1
    return done


def close_after_reply_window(context: Context, now: datetime) -> int:
    with context.storage.read() as tx:
        ids = tx.complaint_ids_past("reply_due", statuses=(Status.RESPONDED,), now=now, limit=BATCH)
    done = 0
    for complaint_id in ids:
        with context.storage.write(now) as tx:
            before = tx.complaint(complaint_id)
            if before is None:
                continue
            current = before.complaint
            reply_due = current.sla.reply_due
            if current.status is not Status.RESPONDED or reply_due is None:
                continue
            if not context.calendar.is_overdue(reply_due, now):
                continue
            status = rules.apply_action(current.status, Action.CLOSE, None)
            after = advance(before, now, status=status, closed_at=now)
            tx.save_complaint(after, before)
            note = "Ditutup otomatis: tidak ada tanggapan pelapor dalam batas waktu"
            tx.insert_updates(
                [(status_change(after.complaint, SYSTEM_AUTHOR, now, note), ScopeKey.of(after.complaint))]
            )
            follow_original(tx, after.complaint)
            done += 1
    return done


class JobRunner:
    """Runs ``run_jobs`` every ``interval`` seconds on a daemon thread until stopped."""

    def __init__(self, context: Context, interval: float) -> None:
        self._context = context
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("the job runner is already running")
        self._thread = threading.Thread(target=self._loop, name="sambat-central-jobs", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                report = run_jobs(self._context)
            except Exception:
                # One failed run must not end the loop: the next one retries what is still due.
                log.exception("periodic SLA job failed")
                continue
            if report != JobReport():
                log.info("periodic SLA job: %s", report)
