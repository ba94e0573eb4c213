"""``typing.NamedTuple``'s class syntax at run time without importing ``typing``.

Importing typing (and the contextlib and warnings it imports) costs a few milliseconds on
every start, a good part of what the fast path (``fastpath.py``) may spend in all. Modules on
that path write ``class Problem(NamedTuple): ...`` as usual, import ``typing.NamedTuple`` only
under ``TYPE_CHECKING`` (which type checkers honour by name), and get this one at run time: the
same class, made by ``collections.namedtuple`` from the annotations in order, with the values
given as defaults, and the docstring, methods and properties kept. tests/test_plain.py holds it
to typing's behaviour.
"""

from __future__ import annotations

from collections import namedtuple

_MADE_BY_CLASS = frozenset({"__module__", "__qualname__", "__annotations__", "__orig_bases__"})


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
        module = str(namespace["__module__"])
        made = namedtuple(name, fields, defaults=defaults, module=module)  # type: ignore[misc]
        made.__qualname__ = str(namespace["__qualname__"])
        made.__annotations__ = dict(annotations)
        for key, value in namespace.items():
            if key not in _MADE_BY_CLASS and key not in fields:
                setattr(made, key, value)
        return made


class NamedTuple(metaclass=_NamedTupleMeta):
    """Subclass as ``typing.NamedTuple``: the class statement makes a named tuple class."""
