"""Checking every analyzer's result at the pipeline boundary, before anything else reads it.

A third-party analyzer may return anything. Whatever leaves :meth:`kzmedia.Pipeline.analyze`
(serial, ``--store``, ``--jobs N`` and Dask alike, since they all go through it) has passed
:func:`check_result`:

* the result is a mapping, or an object whose ``to_dict()`` returns one;
* its JSON form is strict JSON: only str/int/float/bool/None/list/dict values, string keys,
  no ``NaN`` or ``Infinity`` (which :func:`json.dumps` would write as invalid JSON);
* every span in it — any mapping, at any depth, with both ``start`` and ``end`` — has integer
  offsets with ``0 <= start < end <= len(document.text)``, and its ``text``, when given, is
  exactly ``document.text[start:end]``.

A result that fails becomes that analyzer's error on that document (:class:`InvalidResult`'s
message names the analyzer, the document and the first problem with its path in the result);
the other analyzers' results are kept.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .errors import KzmediaError

__all__ = ["InvalidResult", "check_result", "result_body"]

_INT_MIN, _INT_MAX = -2 ** 63, 2 ** 63 - 1
#: how many characters of a bad value a message quotes
_QUOTE = 60


class InvalidResult(KzmediaError):
    """An analyzer returned a result the core cannot store or trust."""

    def __init__(self, analyzer: str, document_id: str, problem: str):
        self.analyzer, self.document_id, self.problem = analyzer, document_id, problem
        super().__init__(f"analyzer {analyzer!r} returned an invalid result for document "
                         f"{document_id!r}: {problem}")

    def __reduce__(self):  # crosses from a worker process intact (strict mode)
        return (InvalidResult, (self.analyzer, self.document_id, self.problem))


def result_body(result: Any) -> Mapping:
    """The JSON-ready mapping of an analyzer's result (``to_dict()`` of a rich object).
    Raises :class:`TypeError` naming what was returned when it is neither."""
    if isinstance(result, Mapping):
        return result
    to_dict = getattr(result, "to_dict", None)
    if callable(to_dict):
        body = to_dict()
        if not isinstance(body, Mapping):
            raise TypeError(f"to_dict() returned a {type(body).__name__}, not a dict")
        return body
    raise TypeError(f"the result is a {type(result).__name__}, not a dict (or an object with to_dict())")


def _quote(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _QUOTE else text[:_QUOTE - 1] + "…"


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _plainly_valid(body: Mapping, text: str) -> bool:
    """``True`` when ``body`` is valid and made only of the plain types (dict, list, tuple, str,
    int, float, bool, None): one walk without paths, which is what almost every result takes.
    ``False`` means "look carefully" (:func:`_problem` then finds the path and the reason, or
    finds that a Mapping or int subclass was fine after all)."""
    n = len(text)
    stack = [body]
    pop, extend = stack.pop, stack.extend
    isfinite = math.isfinite
    while stack:
        value = pop()
        t = type(value)
        if t is str or t is bool or value is None:
            continue
        if t is dict:
            for key in value:
                if type(key) is not str:
                    return False
            if "start" in value and "end" in value:
                start, end = value["start"], value["end"]
                if type(start) is not int or type(end) is not int or not 0 <= start < end <= n:
                    return False
                given = value.get("text")
                if given is not None and given != text[start:end]:
                    return False
            extend(value.values())
        elif t is list or t is tuple:
            extend(value)
        elif t is int:
            if not _INT_MIN <= value <= _INT_MAX:
                return False
        elif t is float:
            if not isfinite(value):
                return False
        else:
            return False  # anything else (a subclass, a Mapping that is not a dict): the careful walk decides
    return True


def _problem(body: Mapping, text: str) -> str | None:
    """The first thing wrong with ``body`` (path and reason), or ``None``. Iterative: a deeply
    nested result cannot overflow the stack."""
    n = len(text)
    stack: list[tuple[str, Any]] = [("result", body)]
    while stack:
        path, value = stack.pop()
        if value is None or isinstance(value, (str, bool)):
            continue
        if isinstance(value, int):
            if not _INT_MIN <= value <= _INT_MAX:
                return f"{path} is {_quote(value)}, too large an integer (JSON readers and the store take 64 bits)"
            continue
        if isinstance(value, float):
            if not math.isfinite(value):
                return f"{path} is {value!r} (not valid JSON)"
            continue
        if isinstance(value, Mapping):
            for key in value:
                if not isinstance(key, str):
                    return f"{path} has a {type(key).__name__} key {_quote(key)} (JSON keys are strings)"
            if "start" in value and "end" in value:
                bad = _span_problem(value, text, n)
                if bad:
                    return f"{path}: {bad}"
            stack.extend((f"{path}.{k}", v) for k, v in reversed(list(value.items())))
            continue
        if isinstance(value, (list, tuple)):
            stack.extend((f"{path}[{i}]", v) for i, v in reversed(list(enumerate(value))))
            continue
        return f"{path} is a {type(value).__name__} ({_quote(value)}), not a JSON value"
    return None


def _span_problem(span: Mapping, text: str, n: int) -> str | None:
    start, end = span["start"], span["end"]
    if not (_is_int(start) and _is_int(end)):
        return f"span offsets must be integers, got start={_quote(start)}, end={_quote(end)}"
    if not 0 <= start < end <= n:
        return f"span {start}..{end} is empty or not inside the text (0..{n})"
    given = span.get("text")
    if given is not None and given != text[start:end]:
        return (f"span {start}..{end} has text {_quote(given)} but the document has "
                f"{_quote(text[start:end])} there")
    return None


def check_result(analyzer: str, document, result: Any) -> None:
    """Raise :class:`InvalidResult` when ``result`` (analyzer ``analyzer`` on ``document``)
    breaks the rules in this module's docstring."""
    try:
        body = result_body(result)
    except Exception as e:  # a to_dict() that raises is the analyzer's fault too
        problem = str(e) if isinstance(e, TypeError) else f"to_dict() raised {type(e).__name__}: {e}"
        raise InvalidResult(analyzer, document.id, problem) from None
    if _plainly_valid(body, document.text):
        return
    problem = _problem(body, document.text)
    if problem is not None:
        raise InvalidResult(analyzer, document.id, problem)
