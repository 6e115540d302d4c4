"""The supervisor's and the coordinator's keys, views and dialogs through Pilot on the in-memory session."""

from __future__ import annotations

import csv
from pathlib import Path

from textual.widgets import DataTable, Input, OptionList, Sparkline, Static

from sambat_tui.domain.model import DispositionKind, Role, Status, Visibility
from sambat_tui.services.inbox import Sort
from sambat_tui.ui.dialogs.dispose import DisposeDialog, ranked
from sambat_tui.ui.dialogs.reason import ReasonDialog
from sambat_tui.ui.dialogs.visibility import VisibilityDialog
from sambat_tui.ui.i18n import t
from sambat_tui.ui.screens.complaint import ComplaintScreen
from sambat_tui.ui.screens.dashboard import DashboardScreen
from sambat_tui.ui.screens.duplicates import DuplicatesScreen
from sambat_tui.ui.screens.escalations import EscalationsScreen
from sambat_tui.ui.screens.help import HelpScreen
from sambat_tui.ui.screens.inbox import InboxScreen
from sambat_tui.ui.screens.triage import TriageScreen
from sambat_tui.ui.screens.workload import WorkloadScreen
from sambat_tui.ui.widgets.bar_chart import BarChart
from sambat_tui.ui.widgets.key_bar import KeyBar
from sambat_tui.ui.widgets.tabs_bar import TabsBar
from tests.ui.fakes import FakeSession, make_records
from tests.ui.harness import Running, running
from tests.ui.supervision_fakes import FakeSupervision, FakeSupervisorActions, install


def _session(role: Role, export_dir: Path | None = None, **kw: bool) -> tuple[FakeSession, FakeSupervision]:
    session = FakeSession(make_records(120), role=role, **kw)
    return session, install(session, export_dir)


def _actions(r: Running) -> FakeSupervisorActions:
    actions = r.session.actions
    assert isinstance(actions, FakeSupervisorActions)
    return actions


def _key_state(r: Running, description: str) -> bool | None:
    """Whether the key bar shows the key (True enabled, False dimmed), None when it does not show it."""
    for _, label, enabled in r.app.screen.query_one(KeyBar).shown():
        if label == description:
            return enabled
    return None


# --- who sees what ---


async def test_an_operator_sees_no_supervisor_view_and_no_reassign_key() -> None:
    session, _ = _session(Role.OPERATOR)
    async with running(session) as r:
        assert _key_state(r, "key.reassign") is None
        await r.press("W", "E", "D", "V")
        assert isinstance(r.app.screen, InboxScreen)
        await r.press("a")
        assert isinstance(r.app.screen, InboxScreen) and _actions(r).moves == []
        await r.press("enter")
        assert isinstance(r.app.screen, ComplaintScreen) and _key_state(r, "key.reassign") is None
        await r.press("a")
        assert isinstance(r.app.screen, ComplaintScreen)
        assert r.session.outbox_entries == []


async def test_read_only_removes_the_reassign_key_even_for_a_supervisor() -> None:
    session, _ = _session(Role.SUPERVISOR, read_only=True)
    async with running(session, read_only=True) as r:
        assert _key_state(r, "key.reassign") is None
        await r.press("a")
        assert isinstance(r.app.screen, InboxScreen)


async def test_triage_is_the_coordinators_not_a_supervisors() -> None:
    session, _ = _session(Role.SUPERVISOR)
    async with running(session) as r:
        await r.press("V")
        assert isinstance(r.app.screen, InboxScreen)
        await r.press("W")
        assert isinstance(r.app.screen, WorkloadScreen)


async def test_help_lists_the_supervisor_keys() -> None:
    session, _ = _session(Role.SUPERVISOR)
    async with running(session) as r:
        await r.press("W", "question_mark")
        assert isinstance(r.app.screen, HelpScreen)
        text = str(r.app.screen.query_one("#help-keys").render())
        for words in ("Pengawas", "Beban kerja", "Eskalasi", "Dasbor", "Ekspor CSV", "Alihkan"):
            assert words in text
        assert "Verifikasi" not in text  # the coordinator's triage, not a supervisor's


# --- reassign / dispose ---


async def test_a_supervisor_reassigns_three_marked_complaints_to_a_desk_with_a_reason() -> None:
    session, _ = _session(Role.SUPERVISOR)
    async with running(session) as r:
        marked = [row.id for row in r.inbox.listing.window.rows[:3]]  # type: ignore[union-attr]
        await r.press("space", "space", "space", "a")
        dialog = r.app.screen
        assert isinstance(dialog, DisposeDialog)
        await r.type("pju")
        assert dialog.picked is not None and dialog.picked.id == "dpuprpkp.pju"
        await r.press("enter")  # from the search box to the reason
        await r.press("enter")  # no reason yet: refused inline, the dialog stays
        assert r.app.screen is dialog and str(dialog.query_one("#error").render())
        await r.type("Lampu jalan: ke UPT PJU")
        await r.press("enter")
        assert isinstance(r.app.screen, InboxScreen)
        moves = _actions(r).moves
        assert sorted(m[0] for m in moves) == sorted(marked)
        assert {m[1:] for m in moves} == {
            (DispositionKind.REASSIGN, "dpuprpkp", "dpuprpkp.pju", None, "Lampu jalan: ke UPT PJU")
        }
        assert len(r.session.outbox_entries) == 3 and not r.inbox.listing.marked


async def test_arrow_keys_pick_while_typing_and_escape_cancels() -> None:
    session, _ = _session(Role.SUPERVISOR)
    async with running(session) as r:
        await r.press("a")
        dialog = r.app.screen
        assert isinstance(dialog, DisposeDialog)
        first = dialog.picked
        await r.press("down")
        assert dialog.picked is not None and dialog.picked != first
        await r.press("up")
        assert dialog.picked == first
        await r.press("escape")
        assert isinstance(r.app.screen, InboxScreen) and _actions(r).moves == []


async def test_a_person_target_reassigns_to_that_person() -> None:
    session, _ = _session(Role.SUPERVISOR)
    async with running(session) as r:
        await r.press("a")
        await r.type("sari")
        await r.press("enter")
        await r.type("Cek lapangan")
        await r.press("ctrl+s")
        [move] = _actions(r).moves
        assert move[1:5] == (DispositionKind.REASSIGN, "dpuprpkp", None, "field.dpuprpkp")


def test_fuzzy_ranking_puts_the_closest_name_first_and_lists_everything_without_a_query() -> None:
    _, supervision = _session(Role.COORDINATOR)
    targets = supervision.targets()
    assert ranked(targets, "")[0].kind == "desk" and len(ranked(targets, "")) == len(targets)
    assert ranked(targets, "dlh kbrsh")[0].id == "dlh.kebersihan"
    assert ranked(targets, "zzzzqqq") == []


def test_a_desk_ranks_before_a_person_who_only_matches_through_the_desks_they_sit_at() -> None:
    from sambat_tui.services.supervision import Target

    # Shaped as SupervisionService.targets makes them: a person's detail lists their desk ids, so the
    # head of the agency (on every desk) matches "pju" exactly as well as the PJU desk does.
    desk = Target("desk", "dpuprpkp.pju", "UPT Penerangan Jalan Umum", "dpuprpkp", "DPUPRPKP")
    south = Target("desk", "dpuprpkp.upt-selatan", "UPT Pemeliharaan Wilayah Selatan", "dpuprpkp", "DPUPRPKP")
    head = Target(
        "person",
        "supervisor.dpuprpkp",
        "Kepala Bidang DPUPRPKP",
        "dpuprpkp",
        "DPUPRPKP dpuprpkp.jalan, dpuprpkp.pju, dpuprpkp.upt-selatan",
    )
    targets = (head, desk, south)
    assert ranked(targets, "pju")[0] == desk
    assert ranked(targets, "selatan")[0] == south
    assert ranked(targets, "kepala")[0] == head


async def test_hostile_directory_names_are_drawn_as_text() -> None:
    session, supervision = _session(Role.SUPERVISOR)
    from sambat_tui.services.supervision import Target

    hostile = Target(
        "desk", "dpuprpkp.x", "[bold]Meja\x1b]52;c;ZXZpbA==\x07 \u202eX", "dpuprpkp", "[@click=app.quit]"
    )
    supervision.targets = lambda: (hostile,)  # type: ignore[method-assign]
    async with running(session) as r:
        await r.press("a")
        listing = r.app.screen.query_one("#targets", OptionList)
        prompt = str(listing.get_option_at_index(0).prompt)
        assert "\x1b" not in prompt and "\u202e" not in prompt and "[bold]Meja" in prompt


# --- views ---


async def test_workload_enter_opens_the_inbox_filtered_to_the_person() -> None:
    session, supervision = _session(Role.SUPERVISOR)
    async with running(session) as r:
        await r.press("W")
        screen = r.app.screen
        assert isinstance(screen, WorkloadScreen)
        load = supervision.workload()
        assert screen.query_one("#desks", DataTable).row_count == len(load.desks)
        assert screen.query_one("#people", DataTable).row_count == len(load.people)
        await r.press("tab")  # to the people table
        people = screen.query_one("#people", DataTable)
        assert people.has_focus
        await r.press("enter")
        assert isinstance(r.app.screen, InboxScreen)
        inbox = r.app.screen
        assert inbox.query_text == load.people[0].query
        shown = {row.assignee_id for row in inbox.listing.window.rows}  # type: ignore[union-attr]
        assert shown == {load.people[0].id}


async def test_escalations_oldest_first_then_overdue_and_enter_opens_either() -> None:
    session, supervision = _session(Role.SUPERVISOR)
    async with running(session) as r:
        await r.press("E")
        screen = r.app.screen
        assert isinstance(screen, EscalationsScreen)
        expected = supervision.escalations()
        assert screen.query_one(DataTable).row_count == len(expected) > 0
        await r.press("j", "enter")
        assert isinstance(r.app.screen, ComplaintScreen)
        assert r.app.screen.complaint_id == expected[1].complaint_id
        await r.press("escape")
        assert r.app.screen is screen
        overdue = r.session.inbox.first("semua", "overdue", Sort.DUE, False, 500).rows
        assert screen.query_one("#overdue", DataTable).row_count == len(overdue) > 0
        await r.press("tab", "j", "j", "enter")
        assert isinstance(r.app.screen, ComplaintScreen)
        assert r.app.screen.complaint_id == overdue[2].id


async def test_the_two_escalations_of_one_complaint_differ_on_an_80_column_screen() -> None:
    from dataclasses import replace

    session, supervision = _session(Role.SUPERVISOR)
    # The job escalates the first-response and the resolve deadline of one complaint at the same minute.
    first = supervision.escalations()[0]
    pair = (
        replace(first, rule_id="sla.response", reason="Batas waktu tanggapan pertama terlewati"),
        replace(first, rule_id="sla.resolve", reason="Batas waktu penyelesaian terlewati"),
    )
    supervision.escalations = lambda limit=500: pair  # type: ignore[method-assign]
    async with running(session, size=(80, 24)) as r:
        await r.press("E")
        table = r.app.screen.query_one("#escalations", DataTable)

        def visible(row: int) -> str:
            # The cells as drawn from the left edge, cut where an 80-column terminal ends.
            cells = [
                str(cell).ljust(column.get_render_width(table))
                for cell, column in zip(table.get_row_at(row), table.ordered_columns, strict=True)
            ]
            return "".join(cells)[:78]

        assert visible(0) != visible(1)
        assert t("field.sla_response") in visible(0) and t("field.sla_resolve") in visible(1)


async def test_dashboard_charts_and_csv_export(tmp_path: Path) -> None:
    session, supervision = _session(Role.SUPERVISOR, tmp_path / "exports")
    async with running(session) as r:
        await r.press("D")
        screen = r.app.screen
        assert isinstance(screen, DashboardScreen)
        assert len(screen.query_one(Sparkline).data or []) == 12
        assert len(screen.query_one("#sla", BarChart).rows) == 12
        board = supervision.dashboard()
        assert len(screen.query_one("#by-category", BarChart).rows) == len(board.by_category)
        assert _key_state(r, "key.open") is None  # nothing to open on a chart
        await r.press("e")
        [written] = list((tmp_path / "exports").glob("dashboard-*.csv"))
        rows = list(csv.reader(written.open(encoding="utf-8")))
        assert rows[0][0] == "section" and sum(1 for row in rows if row[0] == "week") == 12
        await r.press("W")  # another view from here, then back to the dashboard
        assert isinstance(r.app.screen, WorkloadScreen)
        await r.press("D")
        assert r.app.screen is screen


async def test_export_without_a_folder_says_so() -> None:
    session, _ = _session(Role.SUPERVISOR)
    async with running(session) as r:
        await r.press("W", "e")
        assert isinstance(r.app.screen, WorkloadScreen)
        assert any("Ekspor gagal" in str(n.message) for n in r.app._notifications)


# --- triage ---


async def test_triage_one_key_disposes_to_the_best_guess_and_the_queue_moves_on() -> None:
    session, supervision = _session(Role.COORDINATOR)
    async with running(session) as r:
        await r.press("V")
        screen = r.app.screen
        assert isinstance(screen, TriageScreen)
        before = supervision.triage()
        first = before[0]
        assert screen.query_one(DataTable).row_count == len(before)
        await r.press("1")
        [move] = _actions(r).moves
        best = first.guesses[0]
        assert move[0] == first.complaint_id and move[2:4] == (best.agency_id, best.desk_id)
        assert best.rule_id in move[5] and "Diverifikasi" in move[5]
        assert session.find(first.complaint_id).status is Status.ASSIGNED  # type: ignore[union-attr]
        assert screen.query_one(DataTable).row_count == len(before) - 1
        assert screen.current is not None and screen.current.complaint_id == before[1].complaint_id


async def test_triage_archive_and_visibility_ask_a_reason() -> None:
    session, supervision = _session(Role.COORDINATOR)
    async with running(session) as r:
        await r.press("V", "x")
        assert isinstance(r.app.screen, ReasonDialog)
        await r.type("Laporan tidak jelas")
        await r.press("enter")
        assert [e.op for e in r.session.outbox_entries] == ["transition"]
        assert r.session.outbox_entries[0].summary == "archive: Laporan tidak jelas"
        await r.press("v")
        dialog = r.app.screen
        assert isinstance(dialog, VisibilityDialog)
        await r.press("down")  # anonim -> rahasia
        await r.type("Menyangkut anak")
        await r.press("enter")
        first = supervision.triage()[0]
        assert session.find(first.complaint_id).visibility is Visibility.RAHASIA  # type: ignore[union-attr]
        assert r.session.outbox_entries[-1].op == "visibility"


async def test_triage_on_a_full_disk_queues_nothing_and_keeps_the_reason() -> None:
    session, supervision = _session(Role.COORDINATOR)
    session.room = 0
    async with running(session) as r:
        await r.press("V")
        screen = r.app.screen
        assert isinstance(screen, TriageScreen)
        rows = screen.query_one(DataTable).row_count
        await r.press("1")  # dispose to the first guess
        assert any("Disk penuh" in str(n.message) for n in r.app._notifications)
        assert r.session.outbox_entries == [] and screen.query_one(DataTable).row_count == rows
        await r.press("v", "down")
        await r.type("Menyangkut anak")
        await r.press("enter")
        dialog = r.app.screen
        assert isinstance(dialog, VisibilityDialog) and r.session.outbox_entries == []
        assert "Disk penuh" in str(dialog.query_one("#error", Static).visual)
        assert dialog.query_one("#reason", Input).value == "Menyangkut anak"
        session.room = None
        await r.press("enter")
        assert [e.op for e in r.session.outbox_entries] == ["visibility"]
        first = supervision.triage()[0]
        assert session.find(first.complaint_id).visibility is Visibility.RAHASIA  # type: ignore[union-attr]


async def test_triage_keys_are_dim_for_an_auditor() -> None:
    session, _ = _session(Role.AUDITOR)
    async with running(session) as r:
        await r.press("V")
        assert isinstance(r.app.screen, TriageScreen)
        assert _key_state(r, "key.guess_n") is False and _key_state(r, "key.archive") is False
        await r.press("1", "x", "v", "a")
        assert isinstance(r.app.screen, TriageScreen) and r.session.outbox_entries == []


# --- duplicates ---


async def test_duplicates_link_this_complaint_to_the_highlighted_one() -> None:
    session, supervision = _session(Role.SUPERVISOR)
    async with running(session) as r:
        subject = r.inbox.listing.current
        assert subject is not None
        await r.press("u")
        screen = r.app.screen
        assert isinstance(screen, DuplicatesScreen)
        suggestions = supervision.duplicates(subject.id)
        assert screen.query_one(DataTable).row_count == len(suggestions) > 0
        await r.press("l")
        assert isinstance(r.app.screen, ReasonDialog)
        await r.type("Titik yang sama")
        await r.press("enter")
        [entry] = r.session.outbox_entries
        assert entry.op == "duplicate" and entry.complaint_id == subject.id
        assert entry.summary == f"duplicate of {suggestions[0].complaint_id}"
        await r.press("L")
        await r.type("Sebaliknya")
        await r.press("enter")
        assert r.session.outbox_entries[-1].complaint_id == suggestions[0].complaint_id


async def test_an_operator_opens_no_duplicates_view() -> None:
    session, _ = _session(Role.OPERATOR)
    async with running(session) as r:
        await r.press("u")
        assert isinstance(r.app.screen, InboxScreen)


async def test_chart_labels_cut_at_80_columns_still_tell_the_desks_apart() -> None:
    from textual.app import App, ComposeResult

    from sambat_tui.ui.widgets.bar_chart import BarRow

    names = (
        "UPT Pemeliharaan Wilayah Selatan (Sukun dan Kedungkandang)",
        "UPT Pemeliharaan Wilayah Utara (Blimbing dan Lowokwaru)",
        "Bidang Bina Marga",
    )

    class Chart(App[None]):
        def compose(self) -> ComposeResult:
            yield BarChart(tuple(BarRow(name, 3.0, "3 (n=9)") for name in names))

    # On an 80-column terminal the dashboard leaves its charts 76 cells (padding and the scrollbar).
    async with Chart().run_test(size=(76, 24)) as pilot:
        await pilot.pause()
        chart = pilot.app.query_one(BarChart)
        lines = str(chart.render()).splitlines()
        width = chart.size.width // 3  # the label column: a third of a narrow chart
        labels = [line[:width] for line in lines]
        assert len(set(labels)) == len(names), labels
        assert labels[2].rstrip() == "Bidang Bina Marga"  # a label that fits is left whole
        assert all(label.endswith(")") for label in labels[:2])  # a cut one keeps its end


async def test_the_filter_a_workload_row_opens_stays_shown_on_the_first_tab_at_80_columns() -> None:
    session, _ = _session(Role.SUPERVISOR)
    async with running(session, size=(80, 24)) as r:
        await r.press("W", "enter")  # the first desk's open items, in the inbox
        inbox = r.app.screen
        assert isinstance(inbox, InboxScreen) and inbox.query_text
        await r.press("1")  # the first tab: the tabs alone nearly fill 80 columns
        line = str(inbox.query_one(TabsBar).render())
        assert len(line) <= 80 and line.startswith(" Baru")
        assert t("search.active", query="") in line, line  # the filter is still there, and says so


async def test_the_workload_counts_all_fit_at_80_columns_and_names_are_cut_in_the_middle() -> None:
    from sambat_tui.ui.screens.workload import two_lines

    session, _ = _session(Role.SUPERVISOR)
    async with running(session, size=(80, 24)) as r:
        await r.press("W")
        screen = r.app.screen
        assert isinstance(screen, WorkloadScreen)
        for name in ("desks", "people"):
            table = screen.query_one(f"#{name}", DataTable)
            edge = sum(column.get_render_width(table) for column in table.columns.values())
            assert edge <= table.size.width, (name, edge)  # "Terlambat", "Diambil hari ini" on screen
            assert not table.show_horizontal_scrollbar
        desks = screen.query_one("#desks", DataTable)
        labels = [str(desks.get_row_at(i)[0]) for i in range(desks.row_count)]
        assert len(set(labels)) == len(labels)
        cut = [label for label in labels if "…" in label]
        assert cut and all(label.endswith(")") for label in cut), labels  # the end of a long name stays
        await r.pilot.resize_terminal(140, 30)
        await r.pilot.pause()
        await r.pilot.pause()
        wide = [str(desks.get_row_at(i)[0]) for i in range(desks.row_count)]
        assert "Bidang Bina Marga (Jalan dan Jembatan)" in wide
    assert str(two_lines("Segera jatuh tempo")) == "Segera\njatuh tempo"
    assert str(two_lines("Terlambat")) == "Terlambat" and str(two_lines("Taken today")) == "Taken\ntoday"
