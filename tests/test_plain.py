"""Start-up savings that must not change behaviour: the typing-free NamedTuple and the enum-free
StrEnum (_plain.py), and pathlib's form of a catalogue name without pathlib
(catalogue._as_pathlib_names)."""

from __future__ import annotations

import collections
import collections.abc
import copy
import enum
import functools
import json
import operator
import pickle
import sys
import typing
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gbastd import _plain, catalogue
from gbastd.errors import Problem
from gbastd.fields import Field, Kind, Search
from gbastd.formats import Format
from gbastd.records import Status


def _pair(base: type) -> type:
    """The same class statement under ``base`` (typing's or _plain's NamedTuple)."""

    class Point(base):  # type: ignore[misc, valid-type]
        """A point."""

        x: int
        y: int = 0
        label: str | None = None

        @property
        def norm(self) -> int:
            return abs(self.x) + abs(self.y)

        def moved(self, by: int) -> Point:
            return self._replace(x=self.x + by)

    return Point


def test_plain_named_tuples_behave_as_typings() -> None:
    """Fields, defaults, docstring, methods, properties, repr, equality, _make and _replace."""
    typed, plain = _pair(typing.NamedTuple), _pair(_plain.NamedTuple)
    assert plain._fields == typed._fields == ("x", "y", "label")
    assert plain._field_defaults == typed._field_defaults
    assert plain.__doc__ == typed.__doc__ == "A point."
    assert plain.__qualname__ == typed.__qualname__
    assert plain.__module__ == typed.__module__ == __name__
    assert list(plain.__annotations__) == list(typed.__annotations__)
    for made in (plain(1), plain(1, 2, "a"), plain._make([3, -4, None])):
        twin = typed(*made)
        assert tuple(made) == tuple(twin) and repr(made) == repr(twin)
        assert made.norm == twin.norm
        assert tuple(made.moved(2)) == tuple(twin.moved(2))
        assert issubclass(type(made.moved(2)), tuple)


def test_a_field_without_default_after_one_with_is_refused() -> None:
    """As typing does, and for the same reason: the tuple could not be built positionally."""
    with pytest.raises(TypeError):

        class Bad(_plain.NamedTuple):
            x: int = 0
            y: int


def test_the_package_records_still_behave_as_declared() -> None:
    """Records built by _plain keep their defaults and methods."""
    problem = Problem("bad", position=2, entry="WQ 1-8", field="code")
    assert (
        problem._replace(line=7).describe("f.toml") == "f.toml:7: standard #2 (WQ 1-8): code: bad"
    )
    assert Field._fields[:3] == ("name", "kind", "description")


_NAME_PARTS = st.sampled_from(["a", "b.toml", ".", "..", "", "x y", "数据", ".hidden"])


@given(st.lists(_NAME_PARTS, min_size=1, max_size=5), st.booleans())
def test_catalogue_names_take_pathlibs_form(parts: list[str], absolute: bool) -> None:
    """A catalogue's name is shown and keyed as str(Path(name)), with or without pathlib."""
    name = ("/" if absolute else "") + "/".join(parts)
    if name:
        assert catalogue._as_pathlib_names(name) == str(Path(name))


def _twins() -> tuple[type, type]:
    """The same class, from collections and from _plain, importable for pickling."""
    return Twin, PlainTwin


Twin = collections.namedtuple("Twin", ["x", "y", "label"], defaults=[0, None])
PlainTwin = _plain.named_tuple("PlainTwin", ["x", "y", "label"], [0, None], module=__name__)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((1,), {}),
        ((1, 2), {}),
        ((1, 2, "a"), {}),
        ((), {"x": 1}),
        ((1,), {"label": "b"}),
        ((), {"label": "c", "x": 3, "y": 4}),
    ],
)
def test_named_tuples_are_collections_own(
    args: tuple[object, ...], kwargs: dict[str, object]
) -> None:
    """Built the same way, they hold the same values and behave the same way."""
    theirs, mine = (cls(*args, **kwargs) for cls in _twins())
    assert tuple(mine) == tuple(theirs) and mine == theirs and hash(mine) == hash(theirs)
    assert repr(mine) == repr(theirs).replace("Twin(", "PlainTwin(")
    assert mine._asdict() == theirs._asdict()
    assert tuple(mine._replace(y=9)) == tuple(theirs._replace(y=9))
    assert (mine.x, mine.y, mine.label) == (theirs.x, theirs.y, theirs.label)
    assert pickle.loads(pickle.dumps(mine)) == mine
    assert type(pickle.loads(pickle.dumps(mine))) is PlainTwin
    assert copy.copy(mine) == mine


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [((), {}), ((1, 2, 3, 4), {}), ((1,), {"x": 2}), ((1,), {"z": 2}), ((), {"y": 1})],
)
def test_named_tuples_refuse_what_collections_refuses(
    args: tuple[object, ...], kwargs: dict[str, object]
) -> None:
    """Missing, surplus, repeated and unknown arguments are TypeErrors in both."""
    for cls in _twins():
        with pytest.raises(TypeError):
            cls(*args, **kwargs)


def test_named_tuple_class_attributes_are_collections_own() -> None:
    """Fields, defaults, match arguments, slots, _make's length check and _replace's."""
    theirs, mine = _twins()
    for name in ("_fields", "_field_defaults", "__match_args__", "__slots__"):
        assert getattr(mine, name) == getattr(theirs, name), name
    assert mine.__doc__ == "PlainTwin(x, y, label)" and mine.y.__doc__ == theirs.y.__doc__
    assert tuple(mine._make([1, 2, 3])) == tuple(theirs._make([1, 2, 3]))
    for cls in (theirs, mine):
        with pytest.raises(TypeError):
            cls._make([1, 2])
        with pytest.raises(ValueError):
            cls(1)._replace(z=2)


# ------------------------------------------------------------------------------- StrEnum


class Colour(enum.StrEnum):
    """Colours."""

    RED = "red"
    DARK_GREEN = "dark-green"  # a value that is not its name in lower case
    BLUE = "blue"


class PlainColour(_plain.StrEnum):
    """Colours."""

    RED = "red"
    DARK_GREEN = "dark-green"  # a value that is not its name in lower case
    BLUE = "blue"


def test_plain_enums_have_enums_members() -> None:
    """Members in order, found by value, each a str equal to its value, named as declared."""
    assert len(PlainColour) == len(Colour) == 3
    for theirs, mine in zip(Colour, PlainColour, strict=True):
        assert type(mine) is PlainColour and isinstance(mine, str)
        assert mine == theirs == theirs.value and hash(mine) == hash(theirs)
        assert (mine.name, mine.value) == (theirs.name, theirs.value)
        assert type(mine.value) is str
        assert PlainColour(theirs.value) is mine and PlainColour(mine) is mine
        assert getattr(PlainColour, theirs.name) is mine
    assert PlainColour.__doc__ == Colour.__doc__


def test_plain_enums_print_as_enums() -> None:
    """str(), format(), %, repr() and JSON give what enum.StrEnum gives."""
    for theirs, mine in zip(Colour, PlainColour, strict=True):
        assert str(mine) == str(theirs) and f"{mine}" == f"{theirs}"
        assert f"{mine:>12}|" == f"{theirs:>12}|" and "%s" % mine == "%s" % theirs  # noqa: UP031
        assert repr(mine) == repr(theirs).replace("Colour", "PlainColour")
        assert json.dumps({mine: [mine]}) == json.dumps({theirs: [theirs]})
        assert json.dumps([mine], indent=1) == json.dumps([theirs], indent=1)
    assert repr(PlainColour) == "<enum 'PlainColour'>" and repr(Colour) == "<enum 'Colour'>"


def test_plain_enums_copy_and_pickle_to_the_same_member() -> None:
    """A member stays the one member through copy, deepcopy and pickle."""
    for mine in PlainColour:
        assert copy.copy(mine) is mine and copy.deepcopy([mine])[0] is mine
        for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
            assert pickle.loads(pickle.dumps(mine, protocol)) is mine


@pytest.mark.parametrize("value", ["RED", "Red", "green", "", None, 1, ["red"]])
def test_plain_enums_refuse_what_enum_refuses(value: object) -> None:
    """A value that is no member's is a ValueError, worded as enum words it."""
    with pytest.raises(ValueError) as theirs:
        Colour(value)
    with pytest.raises(ValueError) as mine:
        PlainColour(value)
    assert str(mine.value) == str(theirs.value).replace("Colour", "PlainColour")


def test_plain_enums_are_looked_up_by_name_as_enums() -> None:
    """Cls[name], __members__ (read-only), reversed() and ``in`` as enum gives them."""
    for theirs in Colour:
        assert PlainColour[theirs.name] is getattr(PlainColour, theirs.name)
        assert theirs in Colour and PlainColour[theirs.name] in PlainColour
    with pytest.raises(KeyError):
        Colour["GREEN"]
    with pytest.raises(KeyError):
        PlainColour["GREEN"]
    assert list(PlainColour.__members__) == list(Colour.__members__)
    assert list(PlainColour.__members__.values()) == list(PlainColour)
    with pytest.raises(TypeError):
        PlainColour.__members__["GREEN"] = PlainColour.RED  # type: ignore[index]
    assert [m.name for m in reversed(PlainColour)] == [m.name for m in reversed(Colour)]
    assert "crimson" not in PlainColour and ["red"] not in PlainColour
    if sys.version_info >= (3, 12):  # 3.11's enum raises TypeError for a value
        assert ("red" in PlainColour) == ("red" in Colour)


def test_plain_enums_are_validated_by_pydantic_as_enums() -> None:
    """A model field of a _plain.StrEnum validates, refuses, dumps and documents as one of a real
    StrEnum (gbastd.Status is public: a user's model may hold one)."""
    import pydantic

    class Theirs(pydantic.BaseModel):
        colour: Colour

    class Mine(pydantic.BaseModel):
        colour: PlainColour

    assert Mine(colour="dark-green").colour is PlainColour.DARK_GREEN  # type: ignore[arg-type]
    assert Mine.model_validate_json('{"colour": "red"}').colour is PlainColour.RED
    assert Mine(colour=PlainColour.BLUE).model_dump(mode="json") == {"colour": "blue"}
    for model in (Theirs, Mine):
        with pytest.raises(pydantic.ValidationError) as refused:
            model(colour="crimson")
        (error,) = refused.value.errors(include_url=False)
        assert (error["type"], error["msg"]) == (
            "enum",
            "Input should be 'red', 'dark-green' or 'blue'",
        )
    schema = Mine.model_json_schema()
    assert schema == pydantic.TypeAdapter(Theirs).json_schema() | {
        "$defs": {
            "PlainColour": Theirs.model_json_schema()["$defs"]["Colour"] | {"title": "PlainColour"}
        },
        "properties": {"colour": {"$ref": "#/$defs/PlainColour"}},
        "title": "Mine",
    }


def test_plain_enum_members_cannot_be_replaced_deleted_or_repeated() -> None:
    """Reassigning or deleting a member is an AttributeError; two members with one value are
    refused."""
    with pytest.raises(AttributeError):
        PlainColour.RED = "crimson"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del PlainColour.RED
    assert PlainColour.RED.value == "red"
    with pytest.raises(ValueError, match="same value"):

        class Twice(_plain.StrEnum):
            A = "a"
            B = "a"


def test_the_package_enums_are_plain_and_complete() -> None:
    """The fast path's four enums are _plain's, and their members are what the code names."""
    assert [str(kind) for kind in Kind][:3] == ["text", "id", "code"]
    assert list(Status) == [Status.CURRENT, Status.UPCOMING, Status.WITHDRAWN]
    assert Format("csv") is Format.CSV and len(Search) == 3
    for cls in (Kind, Search, Status, Format):
        assert issubclass(cls, _plain.StrEnum) and not issubclass(cls, enum.Enum)


def test_the_c_halves_are_the_public_objects() -> None:
    """What _plain hands out is the standard library's own, not a copy that could differ."""
    assert _plain.Sequence is collections.abc.Sequence
    assert _plain.partial is functools.partial
    assert _plain.itemgetter is operator.itemgetter and _plain.is_ is operator.is_
