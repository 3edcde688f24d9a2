"""The filter language of the revisions table: a small, safe parser (no `eval`).

```
accuracy > 0.8 and train.lr < 0.05      comparisons on values, joined with and / or / not
eval/metrics.json:accuracy >= 0.9       `file:key` when a key is in several files
exp-1 main                              bare words match names, shas and refs (all must match)
not (status == failed or "exp 2")       parentheses, quoted strings, `=` is `==`
```
A column is named by its key (`train.lr`), a unique key suffix (`lr`), `file:key`, or one of the
revision fields `name`, `sha`, `status`, `kind` when no value column has that key. A comparison with
a missing value is false (so `not accuracy > 0.8` matches revisions without an accuracy). Numbers
compare as numbers, everything else as text. Any input either compiles or raises `QueryError`.
"""

from __future__ import annotations

import difflib
import math
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from cd4ml_tui.core.errors import Cd4mlError
from cd4ml_tui.core.model import ColumnKey, RevisionValues

Predicate = Callable[[RevisionValues], bool]

REVISION_FIELDS = ("name", "sha", "status", "kind")
_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<op><=|>=|==|!=|<|>|=)
      | (?P<paren>[()])
      | (?P<quote>["'])
      | (?P<word>[^\s()<>=!"']+)
      | (?P<bad>\S)
    )""",
    re.VERBOSE,
)
_KEYWORDS = ("and", "or", "not")


class QueryError(Cd4mlError):
    """A filter expression that cannot be parsed or names an unknown column."""


@dataclass(frozen=True)
class Token:
    kind: str  # "op", "paren", "word", "string", "end"
    text: str
    pos: int


# The syntax tree: plain frozen nodes, bound to columns by `compile_query`.
@dataclass(frozen=True)
class TextTerm:
    text: str


@dataclass(frozen=True)
class Comparison:
    column: Token
    op: str
    value: Token


@dataclass(frozen=True)
class Not:
    item: Node


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" | "or"
    items: tuple[Node, ...]


Node = TextTerm | Comparison | Not | BoolOp


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        assert match is not None  # the `bad` branch matches any non-space character
        start = match.start(match.lastgroup or 0)
        if match.lastgroup == "quote":
            string, pos = _read_string(text, start)
            tokens.append(Token("string", string, start))
            continue
        if match.lastgroup == "bad":
            raise QueryError(f"unexpected {match.group('bad')!r} at position {start + 1}")
        kind = match.lastgroup or "word"
        tokens.append(Token(kind, match.group(kind), start))
        pos = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


def _read_string(text: str, start: int) -> tuple[str, int]:
    quote, chars, pos = text[start], [], start + 1
    while pos < len(text):
        char = text[pos]
        if char == "\\" and pos + 1 < len(text):
            chars.append(text[pos + 1])
            pos += 2
            continue
        if char == quote:
            return "".join(chars), pos + 1
        chars.append(char)
        pos += 1
    raise QueryError(f"unterminated string starting at position {start + 1}")


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0

    @property
    def peek(self) -> Token:
        return self.tokens[self.index]

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def is_keyword(self, word: str) -> bool:
        return self.peek.kind == "word" and self.peek.text.lower() == word

    def parse(self) -> Node | None:
        if self.peek.kind == "end":
            return None
        node = self.parse_or()
        if self.peek.kind != "end":
            raise QueryError(f"unexpected {self.peek.text!r} at position {self.peek.pos + 1}")
        return node

    def parse_or(self) -> Node:
        items = [self.parse_and()]
        while self.is_keyword("or"):
            self.take()
            items.append(self.parse_and())
        return items[0] if len(items) == 1 else BoolOp("or", tuple(items))

    def parse_and(self) -> Node:
        items = [self.parse_unary()]
        while True:
            if self.is_keyword("and"):
                self.take()
            elif not self._starts_unary():
                break
            items.append(self.parse_unary())
        return items[0] if len(items) == 1 else BoolOp("and", tuple(items))

    def _starts_unary(self) -> bool:
        token = self.peek
        if token.kind == "paren":
            return token.text == "("
        return token.kind == "string" or (token.kind == "word" and not self.is_keyword("or"))

    def parse_unary(self) -> Node:
        if self.is_keyword("not"):
            self.take()
            return Not(self.parse_unary())
        return self.parse_primary()

    def parse_primary(self) -> Node:
        token = self.take()
        if token.kind == "paren" and token.text == "(":
            node = self.parse_or()
            closing = self.take()
            if closing.kind != "paren" or closing.text != ")":
                raise QueryError(f"missing ')' for the '(' at position {token.pos + 1}")
            return node
        if token.kind == "word" and token.text.lower() in _KEYWORDS:
            raise QueryError(f"expected a value before {token.text!r} at position {token.pos + 1}")
        if token.kind not in ("word", "string"):
            where = "the end" if token.kind == "end" else f"position {token.pos + 1}"
            raise QueryError(f"expected a column or text at {where}")
        if self.peek.kind != "op":
            return TextTerm(token.text)
        op_token = self.take()
        value = self.take()
        if value.kind not in ("word", "string") or (
            value.kind == "word" and value.text.lower() in _KEYWORDS
        ):
            raise QueryError(
                f"expected a value after {op_token.text!r} at position {op_token.pos + 1}"
            )
        op = "==" if op_token.text == "=" else op_token.text
        if token.kind == "word" and _NUMBER.fullmatch(token.text) and value.kind == "word":
            return Comparison(value, _FLIPPED[op], token)  # `0.8 < accuracy`
        return Comparison(token, op, value)


def parse(text: str) -> Node | None:
    """The syntax tree of `text`, or None for an empty query; raises `QueryError`."""
    return _Parser(tokenize(text)).parse()


def resolve_column(name: str, columns: Sequence[ColumnKey]) -> ColumnKey | str:
    """The column (or revision field name) that `name` means, or a `QueryError` naming options."""
    for i, char in enumerate(name):
        if char == ":":
            path, key = name[:i], name[i + 1 :]
            hits = [c for c in columns if c.path == path and c.key == key]
            if hits:
                return hits[0]
    for candidates in (
        [c for c in columns if c.key == "" and c.path == name],  # a bare scalar, by its file
        [c for c in columns if c.key == name],
        [c for c in columns if c.key.endswith("." + name)],
    ):
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            options = ", ".join(c.qualified_name for c in candidates)
            raise QueryError(f"column {name!r} is ambiguous; use one of {options}")
    if name.lower() in REVISION_FIELDS:
        return name.lower()
    known = sorted({c.key or c.path for c in columns} | {c.qualified_name for c in columns})
    close = difflib.get_close_matches(name, known + list(REVISION_FIELDS), n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise QueryError(f"unknown column {name!r}{hint}")


def _literal(token: Token) -> Any:
    if token.kind == "word":
        if _NUMBER.fullmatch(token.text):
            return float(token.text)
        if token.text.lower() in ("true", "false"):
            return token.text.lower() == "true"
    return token.text


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def compare(value: Any, op: str, literal: Any, literal_text: str) -> bool:
    """`value op literal` with the rules above: missing is false, numbers as numbers."""
    if value is None:
        return False
    func = _OPERATORS[op]
    if _is_number(value) and _is_number(literal):
        if isinstance(value, float) and math.isnan(value):
            return op == "!="
        return bool(func(float(value), literal))
    if isinstance(value, bool) and isinstance(literal, bool):
        return bool(func(value, literal))
    if isinstance(value, str):
        return bool(func(value, literal_text))
    if op in ("==", "!="):
        return bool(func(str(value), literal_text))
    return False


def revision_field(values: RevisionValues, name: str) -> Any:
    revision = values.revision
    if name == "sha":
        return revision.rev
    if name == "name":
        return revision.label
    return getattr(revision, name)


def text_matches(values: RevisionValues, needle: str) -> bool:
    """Plain text: a case-insensitive substring of the name, the sha or a ref."""
    needle = needle.lower()
    revision = values.revision
    haystacks = (revision.label, revision.rev, *(_short_ref(ref) for ref in revision.refs))
    return any(needle in hay.lower() for hay in haystacks)


def _short_ref(ref: str) -> str:
    """`refs/heads/main` -> `main`, `refs/exps/ab/cd../exp-1` -> `exp-1` (not the `exps` prefix)."""
    if ref.startswith("refs/exps/"):
        return ref.rsplit("/", 1)[-1]
    for prefix in ("refs/heads/", "refs/tags/", "refs/remotes/"):
        if ref.startswith(prefix):
            return ref[len(prefix) :]
    return ref


def _bind(node: Node, columns: Sequence[ColumnKey]) -> Predicate:
    if isinstance(node, TextTerm):
        text = node.text
        return lambda values: text_matches(values, text)
    if isinstance(node, Not):
        inner = _bind(node.item, columns)
        return lambda values: not inner(values)
    if isinstance(node, BoolOp):
        parts = [_bind(item, columns) for item in node.items]
        return _all(parts) if node.op == "and" else _any(parts)
    column = resolve_column(node.column.text, columns)
    op, literal, text = node.op, _literal(node.value), node.value.text
    if isinstance(column, str):
        field_name = column
        return lambda values: compare(revision_field(values, field_name), op, literal, text)
    return _compare_column(column, op, literal, text)


# The table refilters its 10,000 rows on every key typed in the filter bar: the closures below
# are what `compare` and `all`/`any` do, with the common cases (a float or an int against a
# number) decided without the general path.
def _all(parts: list[Predicate]) -> Predicate:
    def every(values: RevisionValues) -> bool:
        for part in parts:  # noqa: SIM110 (all() over a generator is twice as slow)
            if not part(values):
                return False
        return True

    return every


def _any(parts: list[Predicate]) -> Predicate:
    def some(values: RevisionValues) -> bool:
        for part in parts:  # noqa: SIM110
            if part(values):
                return True
        return False

    return some


def _compare_column(column: ColumnKey, op: str, literal: Any, text: str) -> Predicate:
    if not _is_number(literal):
        return lambda values: compare(values.get(column), op, literal, text)
    func = _OPERATORS[op]

    def compare_number(values: RevisionValues) -> bool:
        value = values.get(column)
        kind = type(value)
        if kind is float:  # NaN compares false, but `!=`: as `compare` says
            return func(value, literal)
        if kind is int:
            return func(float(value), literal)
        return compare(value, op, literal, text)

    return compare_number


def compile_query(text: str, columns: Sequence[ColumnKey]) -> Predicate:
    """A predicate over revisions for the filter `text`; raises `QueryError` on bad input."""
    node = parse(text)
    if node is None:
        return lambda values: True
    return _bind(node, columns)
