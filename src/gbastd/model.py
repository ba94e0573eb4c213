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
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date, datetime
from operator import is_, itemgetter
from typing import Annotated, Any, NamedTuple

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
    WithJsonSchema,
    create_model,
    field_validator,
)

from gbastd import text
from gbastd.errors import CatalogueInvalid, Problem
from gbastd.fields import (
    CATALOGUE_FIELDS,
    ENTRY_FIELDS,
    FIELDS,
    LARGEST_INTEGER,
    LOOKUP_FIELDS,
    Kind,
    is_list,
)
from gbastd.fields import Field as FieldSpec
from gbastd.i18n import N_, _
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
        raise ValueError(
            _("{value} is not a GBA identifier such as 'WQ 1-8'").format(value=repr(value))
        )
    return canonical


def _url(value: str) -> str:
    if not _URL.fullmatch(value):
        raise ValueError(_("{value} is not an http(s) URL").format(value=repr(value)))
    return value


def _partial_date(value: object) -> object:
    """Accept a TOML date or a 'YYYY-MM[-DD]' string, and keep it as an ISO string."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        match = _PARTIAL_DATE.fullmatch(value)
        if match is None:
            raise ValueError(
                _("{value} is not a date in the form YYYY-MM-DD or YYYY-MM").format(
                    value=repr(value)
                )
            )
        try:
            date(int(match[1]), int(match[2]), int(match[3] or 1))
        except ValueError:
            raise ValueError(_("{value} is not a real date").format(value=repr(value))) from None
    return value


MAX_TEXT = 1000
"""Longest text value accepted: far beyond any real title, short of a pasted document."""


_VISIBLE = f"^[^{text.INVISIBLE}]*$"
"""No invisible character (text.INVISIBLE): two titles differing only by one look the same, and
a search typed from what is seen would miss it. A pattern, so that pydantic-core checks it (a
Python validator would cost four times as much on a large catalogue)."""


def _invisible(value: str) -> str:
    found = text.first_invisible(value) or "\ufffd"
    name = unicodedata.name(found, "")
    return _("contains an invisible character (U+{code} {name}); remove it").format(
        code=f"{ord(found):04X}", name=name
    )


NonBlank = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT, pattern=_VISIBLE),
    # The published schema keeps to what a writer needs; the pattern is long and unreadable.
    WithJsonSchema({"type": "string", "minLength": 1, "maxLength": MAX_TEXT}),
]
GbaId = Annotated[NonBlank, AfterValidator(_gba_id)]
Url = Annotated[NonBlank, AfterValidator(_url)]
TAG_PATTERN = r"[a-z][a-z0-9]*(-[a-z0-9]+)*"
"""A domain tag: lower-case letters, digits and hyphens, e.g. elderly-care."""
Tag = Annotated[str, StringConstraints(pattern=f"^{TAG_PATTERN}$")]


def _declared_unique_tags(tags: list[str], info: ValidationInfo) -> list[str]:
    """Tags are listed once each and declared in [domains] (the context's "tags")."""
    if len(set(tags)) != len(tags):
        raise ValueError(_("lists a tag more than once"))
    declared: Sequence[str] | None = (info.context or {}).get("tags")
    if declared is not None:
        unknown = [tag for tag in tags if tag not in declared]
        if unknown:
            raise ValueError(
                _("undeclared domain tag {tag}; declared tags: {tags}").format(
                    tag=repr(unknown[0]), tags=", ".join(declared)
                )
            )
    return tags


TagList = Annotated[list[Tag], AfterValidator(_declared_unique_tags)]
PartialDate = Annotated[str, BeforeValidator(_partial_date)]

_STRICT = ConfigDict(extra="forbid", strict=True, frozen=True)


def _effective_not_before_issued(cls: Any, effective: date | None, info: ValidationInfo) -> Any:
    """The one rule between two fields of an entry: a standard takes effect once issued."""
    issued = info.data.get("issued")
    if effective is not None and issued is not None and effective < issued:
        raise ValueError(
            _("{effective} is before the issue date {issued}").format(
                effective=effective, issued=issued
            )
        )
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


def _definition(field: FieldSpec) -> tuple[Any, Any]:
    """Return the pydantic (annotation, FieldInfo) of a row of the field table."""
    annotation: Any = _TYPES[field.kind]
    constraints: dict[str, Any] = {"description": field.description}
    if field.minimum is not None:
        constraints["ge"] = field.minimum
    if field.kind is Kind.INTEGER:
        constraints["le"] = LARGEST_INTEGER
    if field.kind is Kind.STATUS:
        constraints["strict"] = False  # TOML has no enums: accept the value's text
    listed = is_list(field) or field.kind is Kind.TOTALS
    if field.required:
        if listed:
            constraints["min_length"] = 1
        return annotation, Field(**constraints)
    if listed:  # an absent list is an empty one, never None
        return annotation, Field(default_factory=list, **constraints)
    return annotation | None, Field(None, **constraints)


_TYPES: dict[Kind, Any] = {
    Kind.TEXT: NonBlank,
    Kind.ID: GbaId,
    Kind.CODE: NonBlank,
    Kind.DATE: date,
    Kind.INTEGER: int,
    Kind.TAGS: TagList,
    Kind.URLS: list[Url],
    Kind.STATUS: Status,
    Kind.TOTALS: list[TotalModel],
}

_ENTRY_DEFINITIONS: dict[str, Any] = {field.name: _definition(field) for field in ENTRY_FIELDS}
_INFO_DEFINITIONS: dict[str, Any] = {field.name: _definition(field) for field in CATALOGUE_FIELDS}
StandardModel = create_model(
    "StandardModel",
    __config__=_STRICT,
    # Named fields, checked: renaming issued or effective in the table fails here, at import,
    # rather than silently dropping the rule.
    __validators__={"_effective": field_validator("effective")(_effective_not_before_issued)},
    __doc__="One ``[[standard]]`` entry. Only the required fields must be given; a value no "
    "source gives is left out, never guessed.",
    **_ENTRY_DEFINITIONS,
)
InfoModel = create_model(
    "InfoModel",
    __config__=_STRICT,
    __doc__="The ``[catalogue]`` section.",
    **_INFO_DEFINITIONS,
)


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
    consume: bool = False,
) -> Catalogue:
    """Validate a parsed catalogue document and return its records.

    ``progress("validate", done, total)`` is called every thousand entries. Problems name
    entries by position; the file reader adds their line numbers. With ``consume``, each
    entry's table is dropped from ``document`` once validated, so that a large catalogue's
    parsed tables and its records are not all held at once (the loader's document is its own).

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
        problems.append(Problem(_("must be an array of tables ([[standard]])"), field="standard"))
        raw_entries = []
    standards: list[Standard] = []
    identities: list[Identity] = []
    total = len(raw_entries)
    for start in range(0, total, _CHUNK):
        if progress is not None:
            progress("validate", start, total)
        chunk = raw_entries[start : start + _CHUNK]
        if consume:
            raw_entries[start : start + _CHUNK] = [None] * len(chunk)
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


def entry_problems(table: dict[str, Any], *, tags: Sequence[str]) -> list[Problem]:
    """Return what is wrong with one ``[[standard]]`` table on its own (no other entries)."""
    try:
        StandardModel.model_validate(table, context={"tags": list(tags)})
    except ValidationError as error:
        return _problems(error)
    return []


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
            problems.append(Problem(_("must be a table"), position=position))
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
    document: dict[str, Any], name: str, model: type[BaseModel], problems: list[Problem]
) -> BaseModel | None:
    raw = document.get(name)
    if raw is None:
        problems.append(Problem(_("the [{name}] section is missing").format(name=name), field=name))
        return None
    if not isinstance(raw, dict):
        problems.append(Problem(_("must be a table"), field=name))
        return None
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        problems += _problems(error, prefix=name)
        return None


def _validate_domains(raw: object, problems: list[Problem]) -> dict[str, Domain] | None:
    if raw is None or raw == {}:
        problems.append(
            Problem(_("no domain tags are declared ([domains.<tag>])"), field="domains")
        )
        return None
    if not isinstance(raw, dict):
        problems.append(Problem(_("must be a table of [domains.<tag>] tables"), field="domains"))
        return None
    domains: dict[str, Domain] = {}
    tag_pattern = re.compile(TAG_PATTERN)
    for tag, labels in raw.items():
        where = f"domains.{tag}"
        if not tag_pattern.fullmatch(tag):
            problems.append(
                Problem(
                    _("a tag is lower-case letters, digits and hyphens, e.g. elderly-care"),
                    field=where,
                )
            )
            continue
        if not isinstance(labels, dict):
            problems.append(Problem(_("must be a table with zh, zh_hant and en"), field=where))
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
        return _("required field is missing")
    if kind == "extra_forbidden":
        name = str(item["loc"][-1])
        known = _MODELS[model_name].model_fields
        close = difflib.get_close_matches(name, list(known), n=1)
        if close:
            return _("unknown field; did you mean {name}?").format(name=repr(close[0]))
        return _("unknown field; known fields: {fields}").format(fields=", ".join(known))
    if kind == "string_too_short":
        return _("must not be empty (leave the key out when the value is unknown)")
    if kind == "string_too_long":
        return _("is {length} characters long; at most {maximum} are allowed").format(
            length=f"{len(item['input']):,}", maximum=f"{MAX_TEXT:,}"
        )
    if kind == "string_pattern_mismatch" and item["ctx"]["pattern"] == _VISIBLE:
        return _invisible(item["input"])
    if kind == "string_pattern_mismatch":
        return _("{value} is not a domain tag (lower-case letters, digits, hyphens)").format(
            value=repr(item["input"])
        )
    if kind == "too_short":
        return _("must list at least one item")
    if kind == "value_error":
        return str(item["ctx"]["error"])
    expected = _EXPECTED.get(kind)
    if expected is not None:
        return _("must be {expected}, not {kind}").format(
            expected=_(expected), kind=_kind_of(item["input"])
        )
    message: str = item["msg"]  # pydantic's own words, in English
    return message[0].lower() + message[1:] if message else kind


_EXPECTED = {
    "string_type": N_('text in quotes ("…")'),
    "list_type": N_('an array such as ["…"]'),
    "int_type": N_("a whole number"),
    "date_type": N_("a TOML date such as 2024-02-01"),
    "date_from_datetime_inexact": N_("a TOML date such as 2024-02-01"),
    "dict_type": N_("a table"),
    "model_type": N_("a table"),
}


def _kind_of(value: object) -> str:
    """Name a TOML value's type the way the TOML spec does."""
    if isinstance(value, bool):
        return _("a boolean ({value})").format(value=str(value).lower())
    if isinstance(value, int | float):
        return _("a number ({value})").format(value=value)
    if isinstance(value, str):
        return _("text ({value})").format(value=repr(value))
    if isinstance(value, datetime):
        return _("a date-time ({value})").format(value=value.isoformat())
    if isinstance(value, date):
        return _("a date ({value})").format(value=value.isoformat())
    if isinstance(value, list):
        return _("an array")
    if isinstance(value, dict):
        return _("a table")
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
            if close:
                message = _("unknown section; did you mean {name}?").format(name=repr(close[0]))
            else:
                message = _("unknown section; known: {names}").format(names=", ".join(known))
            problems.append(Problem(message, field=prefix + name))
    return problems


def _raw_label(raw: dict[str, Any]) -> str | None:
    for value in _raw_identifying(raw).values():
        return value
    return None


def _raw_identifying(raw: dict[str, Any]) -> dict[str, str]:
    """The identifying values an entry that failed validation still has, as written."""
    return {
        name: value.strip()
        for name in LOOKUP_FIELDS
        if isinstance(value := raw.get(name), str) and value.strip()
    }


class Identity(NamedTuple):
    """Who an entry is: its position, the values a key can name it by (its ids and its titles
    in every script), and how to name it: by its record's label and description when it is
    valid (worked out only for an entry a problem names), else by ``named``."""

    position: int
    values: dict[str, str]
    record: Standard | None = None
    named: str | None = None

    @property
    def label(self) -> str | None:
        return self.named if self.record is None else self.record.label

    @property
    def description(self) -> str | None:
        return self.named if self.record is None else self.record.describe()


def _identity(position: int, standard: Standard) -> Identity:
    values = zip(LOOKUP_FIELDS, _LOOKUP_VALUES(standard), strict=True)
    present = {name: value for name, value in values if value is not None}
    return Identity(position, present, standard)


# Read once for every entry of a large catalogue: itemgetter, not an attribute at a time.
_LOOKUP_VALUES = itemgetter(*(FIELDS.index(name) for name in LOOKUP_FIELDS))


def _raw_identity(position: int, raw: dict[str, Any]) -> Identity:
    """What an entry that failed validation can still say about who it is."""
    values = _raw_identifying(raw)
    if "gba_id" in values:
        canonical = text.normalise_gba_id(values["gba_id"])
        if canonical is None:
            del values["gba_id"]
        else:
            values["gba_id"] = canonical
    return Identity(position, values, named=_raw_label(raw))


def _duplicates(identities: Sequence[Identity]) -> list[Problem]:
    """Report every entry that an earlier one shares a key with, naming that earlier entry.

    A key (``show KEY``) matches ids and titles in every script, so a key must name one entry
    only: a title equal to another entry's code would make both unreachable by that key.
    Values compare by their lookup keys (width, case, spacing, Traditional/Simplified forms).
    Entries that failed validation take part too, so that one run reports every problem.
    """
    keys = [text.key(value) for identity in identities for value in identity.values.values()]
    owners = [identity for identity in identities for _ in identity.values]
    earliest = dict(zip(reversed(keys), reversed(owners), strict=True))  # each key's first entry
    if all(map(is_, map(earliest.__getitem__, keys), owners)):
        return []  # the usual case, decided in C: a loop in Python took 1 s at 100,000 entries
    problems = []
    seen: dict[str, tuple[Identity, str]] = {}
    folded = iter(keys)  # in the order of the values below
    for identity in identities:
        for field, value in identity.values.items():
            first, where = seen.setdefault(next(folded), (identity, field))
            if first is identity:
                continue  # an entry's own titles may share a key (丝苗米, 絲苗米)
            if where == field:
                message = _(
                    "duplicate {value}: standard #{position} ({description}) has the same {field}"
                )
            else:
                message = _(
                    "duplicate {value}: standard #{position} ({description}) has it as its {other}"
                )
            problems.append(
                Problem(
                    message.format(
                        value=repr(value),
                        position=first.position,
                        description=first.description,
                        field=field,
                        other=where,
                    ),
                    position=identity.position,
                    entry=identity.label,
                    field=field,
                )
            )
    return problems


def _converter(field: FieldSpec) -> Callable[[Any], Any] | None:
    """How a validated value becomes a record's plain value (None: as it is)."""
    if field.kind is Kind.DATE:
        return _iso
    if is_list(field):
        return tuple
    if field.kind is Kind.STATUS:
        return _status_text
    if field.kind is Kind.TOTALS:
        return _totals
    return None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _status_text(value: Status | None) -> str | None:
    return value.value if value is not None else None


def _totals(models: list[Any]) -> tuple[Total, ...]:
    return tuple(Total(t.as_of, t.total, t.fields, t.source) for t in models)


_ENTRY_CONVERTERS = [_converter(field) for field in ENTRY_FIELDS]
_INFO_CONVERTERS = [_converter(field) for field in CATALOGUE_FIELDS]


def _standard_record(model: BaseModel) -> Standard:
    """The record of a validated entry: ISO dates, tuples and plain strings."""
    values = model.__dict__.values()  # pydantic keeps the fields in declaration order
    return Standard._make(
        [v if c is None else c(v) for c, v in zip(_ENTRY_CONVERTERS, values, strict=True)]
    )


def _info_record(model: BaseModel) -> CatalogueInfo:
    values = model.__dict__.values()
    return CatalogueInfo._make(
        [v if c is None else c(v) for c, v in zip(_INFO_CONVERTERS, values, strict=True)]
    )
