"""The pydantic schema of a catalogue file: what is valid, and every problem when it is not.

This is the single definition of the catalogue's rules. ``build_catalogue`` validates a parsed
TOML document part by part (so that one bad entry does not hide another), adds the rules that
span entries (unique ids, codes and titles), and returns the plain records of ``records.py`` or
raises ``CatalogueInvalid`` listing every problem. ``gbastd schema`` publishes the JSON Schema of
these classes.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from gbastd import text
from gbastd.errors import CatalogueInvalid, Problem
from gbastd.records import (
    Catalogue,
    CatalogueInfo,
    Domain,
    Standard,
    Standards,
    Status,
    Total,
)

_URL = re.compile(r"https?://[^\s/?#]+[^\s]*", re.IGNORECASE)
_PARTIAL_DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")


def _gba_id(value: str) -> str:
    canonical = text.normalise_gba_id(value)
    if canonical is None:
        raise ValueError(f"{value!r} is not a GBA identifier such as 'WQ 1-8'")
    return canonical


def _url(value: str) -> str:
    if not _URL.fullmatch(value):
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value


def _partial_date(value: object) -> object:
    """Accept a TOML date or a 'YYYY-MM[-DD]' string, and keep it as an ISO string."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        match = _PARTIAL_DATE.fullmatch(value)
        if match is None:
            raise ValueError(f"{value!r} is not a date in the form YYYY-MM-DD or YYYY-MM")
        try:
            date(int(match[1]), int(match[2]), int(match[3] or 1))
        except ValueError:
            raise ValueError(f"{value!r} is not a real date") from None
    return value


MAX_TEXT = 1000
"""Longest text value accepted: far beyond any real title, short of a pasted document."""

NonBlank = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT)
]
GbaId = Annotated[NonBlank, AfterValidator(_gba_id)]
Url = Annotated[NonBlank, AfterValidator(_url)]
Tag = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
PartialDate = Annotated[str, BeforeValidator(_partial_date)]

_STRICT = ConfigDict(extra="forbid", strict=True, frozen=True)


class StandardModel(BaseModel):
    """One ``[[standard]]`` entry. Only ``title_zh``, ``domains`` and ``sources`` are required;
    a value no source gives is left out, never guessed."""

    model_config = _STRICT

    gba_id: GbaId | None = Field(
        None, description='The list\'s own identifier ("湾区标准"识别号), canonical form WQ 1-8.'
    )
    code: NonBlank | None = Field(
        None, description="Number of the standard the item confirms (标准编号)."
    )
    title_zh: NonBlank = Field(description="Title in Simplified Chinese.")
    title_zh_hant: NonBlank | None = Field(None, description="Title in Traditional Chinese.")
    title_en: NonBlank | None = Field(None, description="English title, where a source gives one.")
    domains: list[Tag] = Field(min_length=1, description="Domain tags declared in [domains].")
    batch: int | None = Field(
        None, ge=1, description="Which list (1 = 2023-04-24, 2 = 2024-02-01)."
    )
    listed: date | None = Field(None, description="Date the item joined the GBA list.")
    issued: date | None = Field(None, description="Issue date of the standard itself.")
    effective: date | None = Field(None, description="Date the standard takes effect.")
    status: Status | None = Field(
        None,
        strict=False,  # TOML has no enums: accept the value's text
        description="Stated status; when absent it is derived from the dates, else unknown.",
    )
    publisher: NonBlank | None = Field(None, description="Publisher (发布单位) or lead body.")
    group: NonBlank | None = Field(None, description="The source's own grouping, e.g. 潮菜.")
    platform_category: NonBlank | None = Field(
        None, description="Category under which the official platform files the item."
    )
    sources: list[Url] = Field(min_length=1, description="URLs of the sources for this entry.")
    notes: NonBlank | None = Field(None, description="Context from the source.")

    @field_validator("domains")
    @classmethod
    def _declared_unique_tags(cls, tags: list[str], info: ValidationInfo) -> list[str]:
        if len(set(tags)) != len(tags):
            raise ValueError("lists a tag more than once")
        declared: Sequence[str] | None = (info.context or {}).get("tags")
        if declared is not None:
            unknown = [tag for tag in tags if tag not in declared]
            if unknown:
                raise ValueError(
                    f"undeclared domain tag {unknown[0]!r}; declared tags: {', '.join(declared)}"
                )
        return tags

    @field_validator("effective")
    @classmethod
    def _effective_not_before_issued(cls, effective: date | None, info: ValidationInfo) -> Any:
        issued = info.data.get("issued")
        if effective is not None and issued is not None and effective < issued:
            raise ValueError(f"{effective} is before the issue date {issued}")
        return effective


class DomainModel(BaseModel):
    """Labels of one domain tag (``[domains.<tag>]``) in the three scripts users read."""

    model_config = _STRICT

    zh: NonBlank
    zh_hant: NonBlank
    en: NonBlank


class TotalModel(BaseModel):
    """A published total of the official list (``[[catalogue.totals]]``)."""

    model_config = _STRICT

    as_of: PartialDate = Field(description="YYYY-MM-DD, or YYYY-MM where only the month is known.")
    total: int = Field(ge=0, description="Items on the official list at that date.")
    fields: int | None = Field(None, ge=1, description="Fields (领域) the list covered.")
    source: Url | None = None


class InfoModel(BaseModel):
    """The ``[catalogue]`` section."""

    model_config = _STRICT

    name: NonBlank
    as_of: date | None = Field(None, description="Date the published total was last checked.")
    published_total: int | None = Field(
        None, ge=0, description="Items on the official list at as_of, for coverage figures."
    )
    licence: NonBlank | None = Field(None, description="Licence and source statement.")
    notes: NonBlank | None = None
    totals: list[TotalModel] = Field(default_factory=list)


class CatalogueFile(BaseModel):
    """A whole catalogue file: ``[catalogue]``, ``[domains.<tag>]`` and ``[[standard]]``."""

    model_config = _STRICT

    catalogue: InfoModel
    domains: dict[Tag, DomainModel] = Field(min_length=1)
    standard: list[StandardModel] = Field(default_factory=list)


def build_catalogue(
    document: dict[str, Any],
    path: str,
    *,
    progress: Callable[[str, int, int], None] | None = None,
) -> Catalogue:
    """Validate a parsed catalogue document and return its records.

    ``progress("validate", done, total)`` is called every thousand entries. Problems name
    entries by position; the file reader adds their line numbers.

    Raises:
        CatalogueInvalid: listing every problem found, not just the first.
    """
    problems: list[Problem] = []
    problems += _unknown_keys(document, set(CatalogueFile.model_fields), prefix="")

    info = _validate_section(document, "catalogue", InfoModel, problems)
    domains = _validate_domains(document.get("domains"), problems)
    declared = list(domains) if domains is not None else None

    raw_entries = document.get("standard", [])
    if not isinstance(raw_entries, list):
        problems.append(Problem("must be an array of tables ([[standard]])", field="standard"))
        raw_entries = []
    standards: list[Standard] = []
    identities: list[Identity] = []
    total = len(raw_entries)
    for start in range(0, total, _CHUNK):
        if progress is not None:
            progress("validate", start, total)
        chunk = raw_entries[start : start + _CHUNK]
        try:  # the whole chunk in one call: pydantic-core loops far faster than Python
            models = _ENTRIES.validate_python(chunk, context={"tags": declared})
        except ValidationError:
            problems += _validate_one_by_one(chunk, start, declared, standards, identities)
            continue
        for offset, model in enumerate(models):
            standards.append(_standard_record(model))
            identities.append(_identity(start + offset + 1, standards[-1]))
    problems += _duplicates(identities)

    if problems or info is None or domains is None:
        raise CatalogueInvalid(path, problems)
    return Catalogue(
        path=path,
        info=_info_record(info),
        domains=domains,
        standards=Standards.of(standards),
    )


_CHUNK = 1000
_ENTRIES = TypeAdapter(list[StandardModel])


def _validate_one_by_one(
    chunk: list[Any],
    start: int,
    declared: list[str] | None,
    standards: list[Standard],
    identities: list[Identity],
) -> list[Problem]:
    """Validate entries singly, keeping the valid ones and describing the others."""
    problems: list[Problem] = []
    for offset, raw in enumerate(chunk):
        index = start + offset
        position = index + 1
        if not isinstance(raw, dict):
            problems.append(Problem("must be a table", position=position))
            continue
        try:
            model = StandardModel.model_validate(raw, context={"tags": declared})
        except ValidationError as error:
            problems += _problems(error, position=position, entry=_raw_label(raw))
            identities.append(_raw_identity(position, raw))
            continue
        standards.append(_standard_record(model))
        identities.append(_identity(position, standards[-1]))
    return problems


def _validate_section(
    document: dict[str, Any], name: str, model: type[InfoModel], problems: list[Problem]
) -> InfoModel | None:
    raw = document.get(name)
    if raw is None:
        problems.append(Problem(f"the [{name}] section is missing", field=name))
        return None
    if not isinstance(raw, dict):
        problems.append(Problem("must be a table", field=name))
        return None
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        problems += _problems(error, prefix=name)
        return None


def _validate_domains(raw: object, problems: list[Problem]) -> dict[str, Domain] | None:
    if raw is None or raw == {}:
        problems.append(Problem("no domain tags are declared ([domains.<tag>])", field="domains"))
        return None
    if not isinstance(raw, dict):
        problems.append(Problem("must be a table of [domains.<tag>] tables", field="domains"))
        return None
    domains: dict[str, Domain] = {}
    tag_pattern = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
    for tag, labels in raw.items():
        where = f"domains.{tag}"
        if not tag_pattern.fullmatch(tag):
            problems.append(
                Problem(
                    "a tag is lower-case letters, digits and hyphens, e.g. elderly-care",
                    field=where,
                )
            )
            continue
        if not isinstance(labels, dict):
            problems.append(Problem("must be a table with zh, zh_hant and en", field=where))
            continue
        try:
            model = DomainModel.model_validate(labels)
        except ValidationError as error:
            problems += _problems(error, prefix=where)
            continue
        domains[tag] = Domain(tag, model.zh, model.zh_hant, model.en)
    return domains if len(domains) == len(raw) else None


def _problems(
    error: ValidationError,
    *,
    prefix: str = "",
    position: int | None = None,
    entry: str | None = None,
) -> list[Problem]:
    """Turn pydantic's errors into problems, one each, with plain-language messages."""
    found = []
    for item in error.errors(include_url=False):
        loc = [str(part) for part in item["loc"]]
        field = ".".join([prefix, *loc] if prefix else loc) or None
        found.append(
            Problem(_message(item, error.title), position=position, entry=entry, field=field)
        )
    return found


def _message(item: Any, model_name: str) -> str:
    kind = item["type"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        name = str(item["loc"][-1])
        known = _MODELS[model_name].model_fields
        close = difflib.get_close_matches(name, list(known), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; known fields: {', '.join(known)}"
        return f"unknown field{hint}"
    if kind == "string_too_short":
        return "must not be empty (leave the key out when the value is unknown)"
    if kind == "string_too_long":
        return f"is {len(item['input']):,} characters long; at most {MAX_TEXT:,} are allowed"
    if kind == "string_pattern_mismatch":
        return f"{item['input']!r} is not a domain tag (lower-case letters, digits, hyphens)"
    if kind == "too_short":
        return "must list at least one item"
    if kind == "value_error":
        return str(item["ctx"]["error"])
    expected = _EXPECTED.get(kind)
    if expected is not None:
        return f"must be {expected}, not {_kind_of(item['input'])}"
    message: str = item["msg"]
    return message[0].lower() + message[1:] if message else kind


_EXPECTED = {
    "string_type": 'text in quotes ("…")',
    "list_type": 'an array such as ["…"]',
    "int_type": "a whole number",
    "date_type": "a TOML date such as 2024-02-01",
    "date_from_datetime_inexact": "a TOML date such as 2024-02-01",
    "dict_type": "a table",
    "model_type": "a table",
}


def _kind_of(value: object) -> str:
    """Name a TOML value's type the way the TOML spec does."""
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text ({value!r})"
    if isinstance(value, datetime):
        return f"a date-time ({value.isoformat()})"
    if isinstance(value, date):
        return f"a date ({value.isoformat()})"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


_MODELS: dict[str, type[BaseModel]] = {
    model.__name__: model
    for model in (StandardModel, DomainModel, TotalModel, InfoModel, CatalogueFile)
}


def _unknown_keys(table: dict[str, Any], known: set[str], prefix: str) -> list[Problem]:
    problems = []
    for name in table:
        if name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(known)}"
            problems.append(Problem(f"unknown section{hint}", field=prefix + name))
    return problems


def _raw_label(raw: dict[str, Any]) -> str | None:
    for name in ("gba_id", "code", "title_zh"):
        value = raw.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


Identity = tuple[int, str | None, dict[str, str]]
"""An entry's position, label and normalised identifying values (gba_id, code, title_zh)."""

_IDENTIFYING = ("gba_id", "code", "title_zh")


def _identity(position: int, standard: Standard) -> Identity:
    values = {name: getattr(standard, name) for name in _IDENTIFYING}
    return position, standard.label, {k: v for k, v in values.items() if v is not None}


def _raw_identity(position: int, raw: dict[str, Any]) -> Identity:
    """What an entry that failed validation can still say about who it is."""
    values: dict[str, str] = {}
    for name in _IDENTIFYING:
        value = raw.get(name)
        if isinstance(value, str) and value.strip():
            canonical = text.normalise_gba_id(value) if name == "gba_id" else value.strip()
            if canonical is not None:
                values[name] = canonical
    return position, _raw_label(raw), values


def _duplicates(identities: Sequence[Identity]) -> list[Problem]:
    """Report every entry whose id, code or title (after normalisation) an earlier one has.

    Entries that failed validation take part too, so that one run reports every problem.
    """
    problems = []
    for field in _IDENTIFYING:
        seen: dict[str, int] = {}
        for position, label, values in identities:
            value = values.get(field)
            if value is None:
                continue
            # gba_id is already canonical; codes and titles compare by their lookup keys.
            first = seen.setdefault(value if field == "gba_id" else text.key(value), position)
            if first != position:
                problems.append(
                    Problem(
                        f"duplicate {value!r}: standard #{first} has the same {field}",
                        position=position,
                        entry=label,
                        field=field,
                    )
                )
    return problems


def _standard_record(model: StandardModel) -> Standard:
    """The record of a validated entry: ISO dates, tuples and plain strings."""
    return Standard(
        gba_id=model.gba_id,
        code=model.code,
        title_zh=model.title_zh,
        title_zh_hant=model.title_zh_hant,
        title_en=model.title_en,
        domains=tuple(model.domains),
        batch=model.batch,
        listed=_iso(model.listed),
        issued=_iso(model.issued),
        effective=_iso(model.effective),
        status=model.status.value if model.status is not None else None,
        publisher=model.publisher,
        group=model.group,
        platform_category=model.platform_category,
        sources=tuple(model.sources),
        notes=model.notes,
    )


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _info_record(model: InfoModel) -> CatalogueInfo:
    return CatalogueInfo(
        name=model.name,
        as_of=model.as_of.isoformat() if model.as_of else None,
        published_total=model.published_total,
        licence=model.licence,
        notes=model.notes,
        totals=tuple(Total(t.as_of, t.total, t.fields, t.source) for t in model.totals),
    )
