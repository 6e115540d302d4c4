"""POST requests: a partner app files a citizen's complaint, which is routed like any other intake.

The form is checked against the GeoReport v2 rules (a service_code, a location, the service's attributes)
and turned into an ``IntakeRequest`` for ``central.intake``, which routes it and starts its SLA clocks:
nothing of routing or deadlines is decided here.

Retries. A phone on a flaky network often sends the same POST again after the first one was saved but its
answer was lost. The rule: **the same api key sending the same fields (every field but ``api_key`` and
``jurisdiction_id``, in any order, empty ones counting as absent) within ``IDEMPOTENCY_WINDOW`` of the first
submission gets the first answer again** (the same service_request_id and notice, 201 as the first time, with
``Idempotent-Replayed: true``). After the window the same fields file a new complaint.
It holds without a lock across the two writes: the complaint's id is derived from the key, the fields and
the hour they arrived in, so a retry that races the first one reaches intake with the same id, and intake is
idempotent by id.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from pydantic import ValidationError

from sambat_tui.central import storage_open311 as sql
from sambat_tui.central.context import Context
from sambat_tui.central.intake import intake
from sambat_tui.central.open311.errors import FORBIDDEN, NOT_FOUND, Open311Error, bad_request
from sambat_tui.central.open311.keys import key_hash as hash_key
from sambat_tui.central.open311.keys import principal
from sambat_tui.central.open311.params import ParamReader
from sambat_tui.central.open311.public import service_notice
from sambat_tui.central.open311.services import AttributeCatalogue, answers_text, check_answers
from sambat_tui.central.problems import ApiProblem
from sambat_tui.contract import Complaint, IntakeRequest, Location, Media, ReporterIn, check_text
from sambat_tui.domain.model import Channel, Classification, Visibility
from sambat_tui.domain.reference import Kelurahan

IDEMPOTENCY_WINDOW = timedelta(hours=1)
MAX_DESCRIPTION = 4000
"""The spec's limit for a description."""
MAX_ADDRESS = 500
MAX_ID = 100
MAX_NAME = 100
TITLE_LENGTH = 100
NEAREST_KELURAHAN_KM = 3.0
"""A point farther than this from every kelurahan centre of the city gets no kelurahan or kecamatan."""

IGNORED_FIELDS = frozenset({"api_key", "jurisdiction_id"})
"""Not part of a submission's identity: the key is kept apart, and the jurisdiction is always this city."""
_ATTRIBUTE = re.compile(r"attribute\[([^\[\]]+)\](\[\])?")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+?[0-9][0-9 ().\-]{4,38}")
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic")
_NAMESPACE = uuid.UUID("5f1f6a2e-1d8c-4a8e-9c51-311a11a1a311")


@dataclass(frozen=True, slots=True)
class Submitted:
    service_request_id: str
    service_notice: str
    replayed: bool


# --- reading the fields ---


def body_hash(key: str, reader: ParamReader) -> str:
    """The identity of a submission: its non-empty fields, sorted, except the ignored ones."""
    pairs = sorted(
        (name, value)
        for name in reader.names()
        if name not in IGNORED_FIELDS
        for value in reader.raw(name)
        if value.strip()
    )
    canonical = json.dumps([hash_key(key), pairs], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def _attribute_answers(reader: ParamReader) -> dict[str, list[str]]:
    answers: dict[str, list[str]] = {}
    for name in reader.names():
        match = _ATTRIBUTE.fullmatch(name)
        if match is not None:
            answers.setdefault(match[1], []).extend(reader.raw(name))
    return answers


def _limited(reader: ParamReader, name: str, limit: int, *, one_line: bool = True) -> str | None:
    value = reader.text(name)
    if value is None:
        return None
    value = value.strip()
    try:
        check_text(value)
    except ValueError as error:
        reader.problem(f"{name}: {error}")
        return None
    if len(value) > limit:
        reader.problem(f"{name}: paling banyak {limit} karakter / at most {limit} characters")
        return None
    if one_line and ("\n" in value or "\r" in value):
        reader.problem(f"{name}: satu baris saja / one line only")
        return None
    return value


def _coordinate(reader: ParamReader, name: str, bound: float) -> float | None:
    value = reader.text(name)
    if value is None:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or not -bound <= number <= bound:
        reader.problem(
            f"{name}: harus angka antara -{bound:g} dan {bound:g} / must be a number within ±{bound:g}"
        )
        return None
    return number


def _media_url(reader: ParamReader) -> str | None:
    value = _limited(reader, "media_url", 500)
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        reader.problem("media_url: harus URL http(s) / must be an http(s) URL")
        return None
    return value


def _nearest_kelurahan(kelurahan: Sequence[Kelurahan], lat: float, lon: float) -> Kelurahan | None:
    def km(k: Kelurahan) -> float:
        # An equirectangular approximation: plenty within one city.
        x = math.radians(lon - k.lon) * math.cos(math.radians((lat + k.lat) / 2))
        y = math.radians(lat - k.lat)
        return 6371.0 * math.hypot(x, y)

    best = min(kelurahan, key=km, default=None)
    return best if best is not None and km(best) <= NEAREST_KELURAHAN_KM else None


def _kecamatan_in(text: str, names: Iterable[str]) -> str | None:
    words = set(re.findall(r"\w+", text.lower()))
    found = [name for name in names if name.lower() in words]
    return found[0] if len(found) == 1 else None


def _title(description: str | None, service_name: str, address: str | None) -> str:
    if description:
        first = next((line for line in description.splitlines() if line.strip()), description)
        words = " ".join(first.split())
        if len(words) <= TITLE_LENGTH:
            return words
        cut = words[: TITLE_LENGTH - 1].rsplit(" ", 1)[0] or words[: TITLE_LENGTH - 1]
        return cut + "…"
    return f"{service_name}, {address}" if address else service_name


# --- the submission ---


@dataclass(frozen=True, slots=True)
class _Form:
    request: IntakeRequest
    device_id: str | None
    account_id: str | None
    address_id: str | None
    answers: sql.AttributeValues


def _check_key(context: Context, key: str | None) -> sql.ApiKey:
    if key is None:
        raise Open311Error(FORBIDDEN, "api_key wajib untuk mengirim laporan / an api_key is required to post")
    with context.storage.read() as tx:
        found = sql.api_key(tx, hash_key(key))
    if found is None or found.revoked:
        raise Open311Error(FORBIDDEN, "api_key tidak dikenal atau dicabut / unknown or revoked api_key")
    return found


def _read_form(context: Context, catalogue: AttributeCatalogue, reader: ParamReader) -> _Form:
    code = reader.text("service_code")
    if code is None:
        reader.problem("service_code: wajib diisi / is required")
        reader.check()
        raise AssertionError("unreachable")
    code = code.strip()
    with context.storage.read() as tx:
        category = tx.category(code)
    if category is None or not category.active:
        raise Open311Error(NOT_FOUND, "service_code tidak dikenal / unknown service_code")
    lat, lon = _coordinate(reader, "lat", 90.0), _coordinate(reader, "long", 180.0)
    if (reader.text("lat") is None) != (reader.text("long") is None):
        reader.problem("lat dan long dikirim berdua / lat and long must be sent together")
    address = _limited(reader, "address_string", MAX_ADDRESS)
    address_id = _limited(reader, "address_id", MAX_ID)
    sent = {name for name in ("lat", "long", "address_string", "address_id") if reader.text(name) is not None}
    if not ({"lat", "long"} <= sent or sent & {"address_string", "address_id"}):
        reader.problem(
            "lokasi wajib: lat dan long, address_string, atau address_id / a location is required: "
            "lat & long, address_string or address_id"
        )
    description = _limited(reader, "description", MAX_DESCRIPTION, one_line=False)
    email = _limited(reader, "email", 254)
    if email is not None and not _EMAIL.fullmatch(email):
        reader.problem("email: bukan alamat email / not an email address")
        email = None
    phone = _limited(reader, "phone", 40)
    if phone is not None and not _PHONE.fullmatch(phone):
        reader.problem("phone: bukan nomor telepon / not a phone number")
        phone = None
    names = [_limited(reader, f, MAX_NAME) for f in ("first_name", "last_name")]
    device_id, account_id = _limited(reader, "device_id", MAX_ID), _limited(reader, "account_id", MAX_ID)
    media_url = _media_url(reader)
    attributes = catalogue.of(category.code)
    answers, problems = check_answers(attributes, _attribute_answers(reader))
    for problem in problems:
        reader.problem(problem)
    reader.check()

    reference = context.settings.reference
    kelurahan = (
        _nearest_kelurahan(reference.kelurahan, lat, lon) if lat is not None and lon is not None else None
    )
    kecamatan = kelurahan.kecamatan if kelurahan is not None else None
    if kecamatan is None and address is not None:
        kecamatan = _kecamatan_in(address, sorted({k.kecamatan for k in reference.kelurahan}))
    text = description or category.name
    extra = answers_text(attributes, answers)
    if extra:
        text = f"{text}\n\nData tambahan:\n{extra}"
    full_name = " ".join(n for n in names if n) or None
    reporter = ReporterIn(name=full_name, phone=phone, email=email) if full_name or phone or email else None
    media: tuple[Media, ...] = ()
    if media_url is not None:
        kind = "image" if urlsplit(media_url).path.lower().endswith(_IMAGE_SUFFIXES) else "link"
        media = (Media(url=media_url, kind=kind),)
    request = IntakeRequest(
        channel=Channel.OPEN311,
        classification=Classification.PENGADUAN,
        title=_title(description, category.name, address),
        description=text,
        category_code=category.code,
        location=Location(
            lat=lat,
            lon=lon,
            address=address,
            kelurahan=kelurahan.name if kelurahan is not None else None,
            kecamatan=kecamatan,
        ),
        media=media,
        visibility=Visibility.PUBLIC,
        reporter=reporter,
    )
    return _Form(request, device_id, account_id, address_id, answers)


def _complaint_id(key_hash: str, digest: str, now: datetime) -> uuid.UUID:
    bucket = int(now.timestamp() // IDEMPOTENCY_WINDOW.total_seconds())
    return uuid.uuid5(_NAMESPACE, f"{key_hash}:{digest}:{bucket}")


def _replay(context: Context, key: sql.ApiKey, digest: str, now: datetime) -> Submitted | None:
    with context.storage.read() as tx:
        earlier = sql.recent_submission(tx, key.key_hash, digest, now - IDEMPOTENCY_WINDOW)
        stored = tx.complaint(earlier.complaint_id) if earlier is not None else None
    if earlier is None or stored is None:
        return None
    return Submitted(stored.complaint.public_ref, earlier.service_notice, replayed=True)


def submit(context: Context, catalogue: AttributeCatalogue, reader: ParamReader) -> Submitted:
    """File the complaint (or recognise a retry); raises ``Open311Error`` for what the client must fix."""
    key_text = reader.text("api_key")
    key = _check_key(context, key_text.strip() if key_text is not None else None)
    try:
        form = _read_form(context, catalogue, reader)
    except ValidationError as error:
        raise validation_problem(error) from None
    digest = body_hash(key.key_hash, reader)
    now = context.now()
    replayed = _replay(context, key, digest, now)
    if replayed is not None:
        return replayed
    complaint_id = _complaint_id(key.key_hash, digest, now)
    try:
        reply = intake(context, principal(key), complaint_id, form.request)
    except ApiProblem as problem:
        raise bad_request(problem.detail) from None
    complaint = Complaint.model_validate_json(reply.body)
    with context.storage.read() as tx:
        agency = tx.agency(complaint.agency_id) if complaint.agency_id is not None else None
    notice = service_notice(sql.PublicComplaint.of(complaint), agency, context.calendar)
    submission = sql.Submission(
        complaint_id=str(complaint.id),
        key_hash=key.key_hash,
        body_hash=digest,
        created_at=complaint.created_at,
        service_notice=notice,
        device_id=form.device_id,
        account_id=form.account_id,
        address_id=form.address_id,
        attributes=form.answers,
    )
    with context.storage.write(context.now()) as tx:
        first = sql.add_submission(tx, submission)
        if not first:
            # A retry that raced the first request: answer with what the first one recorded.
            earlier = sql.submissions_of(tx, [str(complaint.id)]).get(str(complaint.id))
            notice = earlier.service_notice if earlier is not None else notice
    return Submitted(complaint.public_ref, notice, replayed=not first or reply.status == 200)


# --- the request body ---


def json_pairs(data: object) -> list[tuple[str, str]]:
    """A JSON object body as form fields: ``{"attribute": {"a": ["x", "y"]}}`` -> ``attribute[a][]`` pairs."""
    if not isinstance(data, Mapping):
        raise bad_request("isi JSON harus objek / a JSON body must be an object")
    pairs: list[tuple[str, str]] = []

    def scalar(name: str, value: object) -> None:
        if value is None:
            return
        if isinstance(value, bool):
            pairs.append((name, "true" if value else "false"))
        elif isinstance(value, int | float | str):
            pairs.append((name, str(value)))
        else:
            raise bad_request(f"{name}: nilai harus teks atau angka / the value must be text or a number")

    for name, value in data.items():
        if name == "attribute" and isinstance(value, Mapping):
            for code, answer in value.items():
                if isinstance(answer, list):
                    for item in answer:
                        scalar(f"attribute[{code}][]", item)
                else:
                    scalar(f"attribute[{code}]", answer)
        elif isinstance(value, list):
            for item in value:
                scalar(str(name), item)
        else:
            scalar(str(name), value)
    return pairs


def validation_problem(error: ValidationError) -> Open311Error:
    """A model refused what the checks above let through: name the fields, never their values."""
    fields = sorted({".".join(str(part) for part in e.get("loc", ())) for e in error.errors()})
    return bad_request(f"data tidak valid / invalid data: {', '.join(fields) or '-'}")
