"""Pydantic models of the wire format, shared by the server and the client."""

from sambat_tui.contract.complaint import (
    Complaint,
    ComplaintPage,
    ExternalRef,
    Location,
    Media,
    Reporter,
    Sla,
)
from sambat_tui.contract.directory import Agency, Category, Desk, Me, User
from sambat_tui.contract.feed import (
    FEED_PAGE_DEFAULT,
    FEED_PAGE_MAX,
    REFERENCE_ENTITIES,
    Change,
    ChangeOp,
    ChangePage,
    CursorExpiredReason,
    Entity,
)
from sambat_tui.contract.problem import PROBLEM_KINDS, PROBLEM_MEDIA_TYPE, Problem, ProblemCode, problem_type
from sambat_tui.contract.requests import (
    DispositionRequest,
    DuplicateRequest,
    IntakeRequest,
    ReporterIn,
    TransitionRequest,
    UpdateRequest,
    VisibilityRequest,
)
from sambat_tui.contract.text import check_text
from sambat_tui.contract.timeline import Disposition, History, MutationResult, Update

__all__ = [
    "FEED_PAGE_DEFAULT",
    "FEED_PAGE_MAX",
    "PROBLEM_KINDS",
    "PROBLEM_MEDIA_TYPE",
    "REFERENCE_ENTITIES",
    "Agency",
    "Category",
    "Change",
    "ChangeOp",
    "ChangePage",
    "Complaint",
    "ComplaintPage",
    "CursorExpiredReason",
    "Desk",
    "Disposition",
    "DispositionRequest",
    "DuplicateRequest",
    "Entity",
    "ExternalRef",
    "History",
    "IntakeRequest",
    "Location",
    "Me",
    "Media",
    "MutationResult",
    "Problem",
    "ProblemCode",
    "Reporter",
    "ReporterIn",
    "Sla",
    "TransitionRequest",
    "Update",
    "UpdateRequest",
    "User",
    "VisibilityRequest",
    "check_text",
    "problem_type",
]
