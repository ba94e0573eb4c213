"""Named tuples and string enums, with ``typing.NamedTuple``'s and ``enum.StrEnum``'s class
syntax, at a fraction of their start-up cost.

Importing typing (and the contextlib and warnings it imports) costs a few milliseconds on
every start, and ``collections.namedtuple`` compiles a ``__new__`` for every class it makes
(about 0.15 ms each; the fast path, ``fastpath.py``, makes a dozen). Modules on that path
write ``class Problem(NamedTuple): ...`` as usual and import ``typing.NamedTuple`` only under
``TYPE_CHECKING`` (which type checkers honour by name); at run time they get the class below,
which makes the same kind of class with ``named_tuple``: a tuple subclass with the same
fields, defaults, properties, ``_make``, ``_replace``, ``_asdict``, ``repr``, equality and
pickling, whose ``__new__`` is one function for every class instead of one compiled for
each. tests/test_plain.py holds both to typing's and collections' behaviour.

Importing enum costs about 5 ms on every start (it imports functools, which imports the
collections package); the fast path's four enums (``Kind``, ``Search``, ``Status``, ``Format``)
subclass ``StrEnum`` below, under the same ``TYPE_CHECKING`` arrangement, so type checkers see
``enum.StrEnum`` and the run time gets a ``str`` subclass whose members are made the same way:
singletons, looked up by value, iterated in order, with ``name``, ``value``, ``str()``,
``format()``, ``repr()``, copying, pickling and pydantic's validation and schema as enum's.
tests/test_plain.py holds the two to the same behaviour. Typer never sees these classes: its
options take their values as plain strings (options.py).

It also hands the fast path's modules ``Sequence``, ``partial``, ``is_`` and ``itemgetter``
from the C halves of collections.abc, functools and operator: the very same objects, without
importing operator.py, functools.py and the collections package (with the keyword, reprlib and
itertools modules it imports) on every start, which together cost about 1.5 ms.
"""

from __future__ import annotations

from _collections_abc import Sequence as Sequence
from _operator import is_ as is_
from _operator import itemgetter as itemgetter

TYPE_CHECKING = False  # typing costs every start a few ms: type checkers honour the name
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping
    from functools import partial as partial  # typeshed has no stub of _functools
    from typing import Any
else:
    from _functools import partial as partial

try:  # what collections.namedtuple reads its fields with: a descriptor in C
    from _collections import _tuplegetter as _field_getter  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - other Pythons

    def _field_getter(index: int, doc: str) -> Any:
        return property(itemgetter(index), doc=doc)


_MISSING = object()
_MappingProxy = type(type.__dict__)  # types.MappingProxyType, without importing types
_MADE_BY_CLASS = frozenset({"__module__", "__qualname__", "__annotations__", "__orig_bases__"})


def named_tuple(
    name: str, fields: Sequence[str], defaults: Sequence[Any] = (), *, module: str
) -> type[tuple[Any, ...]]:
    """A named tuple class as ``collections.namedtuple(name, fields, defaults=...)`` makes it
    (``defaults`` for the last fields), made without compiling anything."""
    fields = tuple(fields)
    count, given = len(fields), tuple(defaults)
    first_default = count - len(given)
    spot = {field: i for i, field in enumerate(fields)}

    def __new__(cls: type[tuple[Any, ...]], *args: Any, **kwargs: Any) -> tuple[Any, ...]:
        if len(args) == count and not kwargs:
            return tuple.__new__(cls, args)
        if len(args) > count:
            raise TypeError(f"{name}() takes {count} arguments but {len(args)} were given")
        values = [*args, *[_MISSING] * (count - len(args))]
        for key, value in kwargs.items():
            at = spot.get(key)
            if at is None:
                raise TypeError(f"{name}() got an unexpected keyword argument {key!r}")
            if values[at] is not _MISSING:
                raise TypeError(f"{name}() got multiple values for argument {key!r}")
            values[at] = value
        for at in range(len(args), count):
            if values[at] is _MISSING:
                if at < first_default:
                    raise TypeError(f"{name}() missing required argument: {fields[at]!r}")
                values[at] = given[at - first_default]
        return tuple.__new__(cls, values)

    def _make(cls: type[tuple[Any, ...]], iterable: Iterable[Any]) -> tuple[Any, ...]:
        made = tuple.__new__(cls, iterable)
        if len(made) != count:
            raise TypeError(f"Expected {count} arguments, got {len(made)}")
        return made

    def _replace(self: tuple[Any, ...], **changes: Any) -> tuple[Any, ...]:
        values = [changes.pop(field, value) for field, value in zip(fields, self, strict=True)]
        if changes:
            raise ValueError(f"Got unexpected field names: {list(changes)!r}")
        return tuple.__new__(type(self), values)

    def _asdict(self: tuple[Any, ...]) -> dict[str, Any]:
        return dict(zip(fields, self, strict=True))

    def __repr__(self: tuple[Any, ...]) -> str:
        shown = ", ".join(f"{field}={value!r}" for field, value in zip(fields, self, strict=True))
        return f"{type(self).__name__}({shown})"

    def __getnewargs__(self: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(self)

    namespace: dict[str, Any] = {
        "__doc__": f"{name}({', '.join(fields)})",
        "__slots__": (),
        "_fields": fields,
        "_field_defaults": dict(zip(fields[first_default:], given, strict=True)),
        "__new__": __new__,
        "_make": classmethod(_make),
        "_replace": _replace,
        "__repr__": __repr__,
        "_asdict": _asdict,
        "__getnewargs__": __getnewargs__,
        "__match_args__": fields,
        "__module__": module,
    }
    for i, field in enumerate(fields):
        namespace[field] = _field_getter(i, f"Alias for field number {i}")
    made: type[tuple[Any, ...]] = type(name, (tuple,), namespace)
    return made


class _NamedTupleMeta(type):
    def __new__(cls, name: str, bases: tuple[type, ...], namespace: dict[str, object]) -> type:
        if not bases:  # NamedTuple itself
            return super().__new__(cls, name, bases, namespace)
        annotations = namespace.get("__annotations__", {})
        assert isinstance(annotations, dict)
        fields = list(annotations)
        defaults = [namespace[field] for field in fields if field in namespace]
        if any(field in namespace for field in fields[: len(fields) - len(defaults)]):
            raise TypeError(f"{name}: a field without a default follows one with a default")
        made = named_tuple(name, fields, defaults, module=str(namespace["__module__"]))
        made.__qualname__ = str(namespace["__qualname__"])
        made.__annotations__ = dict(annotations)
        for key, value in namespace.items():
            if key not in _MADE_BY_CLASS and key not in fields:
                setattr(made, key, value)
        return made


class NamedTuple(metaclass=_NamedTupleMeta):
    """Subclass as ``typing.NamedTuple``: the class statement makes a named tuple class."""


class _StrEnumType(type):
    """Makes each public ``str`` attribute of a class body a member: an instance of the class."""

    _members_: dict[str, Any]
    _names_: dict[str, str]

    def __new__(cls, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> type:
        values = {
            key: value
            for key, value in namespace.items()
            if not key.startswith("_") and type(value) is str
        }
        body = {key: value for key, value in namespace.items() if key not in values}
        made: Any = super().__new__(cls, name, bases, body)
        members: dict[str, Any] = {value: str.__new__(made, value) for value in values.values()}
        if len(members) != len(values):
            raise ValueError(f"{name}: two members have the same value")
        for key, value in values.items():
            type.__setattr__(made, key, members[value])
        type.__setattr__(made, "_members_", members)
        type.__setattr__(made, "_names_", {value: key for key, value in values.items()})
        made_class: type = made
        return made_class

    def __call__(cls, value: object) -> Any:
        try:
            return cls._members_[value]  # type: ignore[index]
        except (KeyError, TypeError):
            raise ValueError(f"{value!r} is not a valid {cls.__qualname__}") from None

    def __getitem__(cls, name: str) -> Any:
        return cls.__members__[name]

    @property
    def __members__(cls) -> Mapping[str, Any]:
        """Each member by its name, read-only, as enum's ``__members__``."""
        return _MappingProxy({member.name: member for member in cls})

    def __contains__(cls, value: object) -> bool:
        """Whether ``value`` is a member or a member's value (Python 3.12's enum; 3.11's raises
        TypeError for a value)."""
        try:
            return value in cls._members_
        except TypeError:  # unhashable
            return False

    def __iter__(cls) -> Iterator[Any]:
        return iter(cls._members_.values())

    def __reversed__(cls) -> Iterator[Any]:
        return reversed(cls._members_.values())

    def __len__(cls) -> int:
        return len(cls._members_)

    def __setattr__(cls, name: str, value: object) -> None:
        if name in cls._names_.values():
            raise AttributeError(f"cannot reassign member {name!r}")
        super().__setattr__(name, value)

    def __delattr__(cls, name: str) -> None:
        if name in cls._names_.values():
            raise AttributeError(f"cannot delete member {name!r}")
        super().__delattr__(name)

    def __repr__(cls) -> str:
        return f"<enum {cls.__name__!r}>"


class StrEnum(str, metaclass=_StrEnumType):
    """Subclass as ``enum.StrEnum``: each ``NAME = "value"`` of the class body is a member."""

    __slots__ = ()

    @property
    def name(self) -> str:
        """The member's name, as in the class body."""
        return type(self)._names_[self]

    @property
    def value(self) -> str:
        """The member's value, a plain ``str``."""
        return str.__str__(self)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}.{self.name}: {self.value!r}>"

    def __reduce_ex__(self, protocol: object) -> tuple[Any, tuple[str]]:
        return type(self), (self.value,)

    def __copy__(self) -> Any:
        return self

    def __deepcopy__(self, memo: object) -> Any:
        return self

    @classmethod
    def __get_pydantic_core_schema__(cls, source: object, handler: object) -> Any:
        """pydantic validates, serialises and documents these as it does a real StrEnum (a
        model's field of type Status, say); pydantic_core is imported only then."""
        from pydantic_core import core_schema

        reference = f"{cls.__module__}.{cls.__qualname__}:{id(cls)}"
        return core_schema.enum_schema(cls, list(cls), sub_type="str", ref=reference)
