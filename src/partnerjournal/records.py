"""A base for the plain records the daily commands create.

Defining a ``@dataclass`` costs about 0.5 ms (it writes and compiles its methods when
the module is imported), and ``pj today`` would define nine of them before it prints a
line. A class with ``__slots__`` and its own ``__init__`` costs a few microseconds;
:class:`Record` gives it what the dataclass did: equality and a readable repr, field by
field, in the order of ``__slots__``.
"""


class Record:
    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in self.__slots__)

    __hash__ = None  # type: ignore[assignment]  # mutable, so not hashable (as a dataclass)

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{f}={getattr(self, f)!r}" for f in self.__slots__ if not f.startswith("_")
        )
        return f"{type(self).__name__}({shown})"

    def as_dict(self) -> dict:
        """The fields by name, in order (what ``dataclasses.asdict`` gave, one level)."""
        return {f: getattr(self, f) for f in self.__slots__}
