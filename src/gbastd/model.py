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
from datetime import date
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


NonBlank = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
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
    entry_lines: Sequence[int] = (),
    *,
    progress: Callable[[str, int, int], None] | None = None,
) -> Catalogue:
    """Validate a parsed catalogue document and return its records.

    ``entry_lines`` gives the line of each ``[[standard]]`` header, so problems can name it;
    ``progress("validate", done, total)`` is called every thousand entries.

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
    standards: list[tuple[int, Standard]] = []
    total = len(raw_entries)
    for start in range(0, total, _CHUNK):
        if progress is not None:
            progress("validate", start, total)
        chunk = raw_entries[start : start + _CHUNK]
        try:  # the whole chunk in one call: pydantic-core loops far faster than Python
            models = _ENTRIES.validate_python(chunk, context={"tags": declared})
        except ValidationError:
            problems += _validate_one_by_one(chunk, start, declared, entry_lines, standards)
            continue
        standards += [
            (start + offset + 1, _standard_record(model)) for offset, model in enumerate(models)
        ]
    problems += _duplicates(standards, entry_lines)

    if problems or info is None or domains is None:
        raise CatalogueInvalid(path, problems)
    return Catalogue(
        path=path,
        info=_info_record(info),
        domains=domains,
        standards=Standards.of(standard for _, standard in standards),
    )


_CHUNK = 1000
_ENTRIES = TypeAdapter(list[StandardModel])


def _validate_one_by_one(
    chunk: list[Any],
    start: int,
    declared: list[str] | None,
    entry_lines: Sequence[int],
    standards: list[tuple[int, Standard]],
) -> list[Problem]:
    """Validate entries singly, keeping the valid ones and describing the others."""
    problems: list[Problem] = []
    for offset, raw in enumerate(chunk):
        index = start + offset
        position = index + 1
        line = entry_lines[index] if index < len(entry_lines) else None
        if not isinstance(raw, dict):
            problems.append(Problem("must be a table", position=position, line=line))
            continue
        try:
            model = StandardModel.model_validate(raw, context={"tags": declared})
        except ValidationError as error:
            problems += _problems(error, position=position, entry=_raw_label(raw), line=line)
            continue
        standards.append((position, _standard_record(model)))
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
    line: int | None = None,
) -> list[Problem]:
    """Turn pydantic's errors into problems, one each, with plain-language messages."""
    found = []
    for item in error.errors(include_url=False):
        loc = [str(part) for part in item["loc"]]
        field = ".".join([prefix, *loc] if prefix else loc) or None
        found.append(
            Problem(
                _message(item, error.title), position=position, entry=entry, field=field, line=line
            )
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
    if kind == "value_error":
        return str(item["ctx"]["error"])
    if kind in {"date_type", "date_from_datetime_inexact", "date_from_datetime_parsing"}:
        return f"must be a TOML date such as 2024-02-01 (got {item['input']!r})"
    message: str = item["msg"]
    return message[0].lower() + message[1:] if message else kind


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


def _duplicates(
    standards: Sequence[tuple[int, Standard]], entry_lines: Sequence[int]
) -> list[Problem]:
    """Report every entry whose id, code or title (after normalisation) an earlier one has."""
    problems = []
    for field in ("gba_id", "code", "title_zh"):
        seen: dict[str, int] = {}
        for position, standard in standards:
            value = getattr(standard, field)
            if value is None:
                continue
            # gba_id is already canonical; codes and titles compare by their lookup keys.
            first = seen.setdefault(value if field == "gba_id" else text.key(value), position)
            if first != position:
                line = entry_lines[position - 1] if position <= len(entry_lines) else None
                problems.append(
                    Problem(
                        f"duplicate {value!r}: standard #{first} has the same {field}",
                        position=position,
                        entry=standard.label,
                        field=field,
                        line=line,
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
