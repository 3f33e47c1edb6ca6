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


class Model:
    """A report section: typed fields declared as class annotations (with a default where
    the class gives one), built with keywords and read as attributes.

    The report builders compute every value themselves, so nothing is validated or
    converted here, and defining a section costs microseconds: the report commands do
    not pay for a validation library's import and schema building (about 60 ms, more
    than the interpreter's own start). ``render.json`` writes a model out whole; the
    tests check that JSON against the same annotations with pydantic.
    """

    _fields: tuple[str, ...] = ()
    _defaults: dict[str, object] = {}

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        fields = list(cls._fields)  # inherited ones first, as they were declared
        defaults = dict(cls._defaults)
        for name in cls.__dict__.get("__annotations__", {}):
            if name.startswith("_"):
                continue
            if name not in fields:
                fields.append(name)
            if name in cls.__dict__:
                defaults[name] = cls.__dict__[name]
        cls._fields = tuple(fields)
        cls._defaults = defaults

    def __init__(self, **values: object) -> None:
        for name in self._fields:
            if name in values:
                value = values.pop(name)
            elif name in self._defaults:
                value = self._defaults[name]
                if type(value) in (list, dict):
                    value = value.copy()  # a default list is each instance's own
            else:
                raise TypeError(f"{type(self).__name__} needs {name!r}")
            setattr(self, name, value)
        if values:
            raise TypeError(f"{type(self).__name__} has no field {next(iter(values))!r}")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in self._fields)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = ", ".join(f"{f}={getattr(self, f)!r}" for f in self._fields)
        return f"{type(self).__name__}({shown})"

    def replace(self, **changes: object) -> "Model":
        """A copy with some fields changed."""
        return type(self)(**{**{f: getattr(self, f) for f in self._fields}, **changes})
