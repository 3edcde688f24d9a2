"""A fast path for DVC's YAML reading: libyaml parses, YAML 1.2 rules (as ruamel applies them)
type the plain scalars.

DVC reads YAML with pure-Python ruamel.yaml (~1 ms for a small params.yaml, several on a busy
machine); with a thousand experiments that is most of a cold start. libyaml (PyYAML's C parser,
installed with DVC through hydra/omegaconf) builds the same node tree about ten times faster. We
only type the scalars, with ruamel's own YAML 1.2 patterns and conversions
(`ruamel/yaml/resolver.py`, `constructor.py`), and hand anything unusual back to DVC's parser:
explicit tags, merge keys, timestamps, duplicate keys, aliases to themselves, `%YAML` directives,
tabs and every error. A differential property test holds this against ruamel.
"""

from __future__ import annotations

import re
from typing import Any

PLAIN = "tag:cd4ml-tui:plain"
QUOTED = "tag:cd4ml-tui:quoted"
SEQ = "tag:yaml.org,2002:seq"
MAP = "tag:yaml.org,2002:map"

# ruamel.yaml's implicit resolvers for YAML 1.2, in the order it tries them.
BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
FLOAT = re.compile(
    r"""^(?:
     [-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)
INT = re.compile(
    r"""^(?:[-+]?0b[0-1_]+
    |[-+]?0o?[0-7_]+
    |[-+]?[0-9_]+
    |[-+]?0x[0-9a-fA-F_]+)$""",
    re.X,
)
NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
# tags ruamel gives that this fast path does not construct: merge, timestamp, value, yaml
HANDED_BACK = re.compile(
    r"""^(?:<<
    |[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
    |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9]
      (?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?
    |=|!|&|\*)$""",
    re.X,
)
_INF = 1e300
while _INF != _INF * _INF:
    _INF *= _INF
_NAN = -_INF / _INF  # ruamel's quiet NaN


# Where libyaml and ruamel part ways (found by differential fuzzing): tabs, carriage returns,
# byte order marks, what YAML 1.1 calls line breaks but 1.2 does not; and the rarer syntax
# (anchors, aliases, tags, block scalars, complex keys, directives, reserved indicators), which
# everyday params and metrics files do not use. A text with any of them goes to ruamel.
_DISPUTED = re.compile("[\t\r\x85\u2028\u2029\ufeff&*!|>?%@`]")


class HandBack(Exception):
    """This document needs DVC's own parser: a signal between this module and its callers,
    never an error a user sees (so it is not a `Cd4mlError`)."""


def _loader_class() -> type:
    import yaml

    class Loader(yaml.CSafeLoader):
        def resolve(self, kind: type, value: Any, implicit: Any) -> str:
            if kind is yaml.ScalarNode:
                return PLAIN if implicit[0] else QUOTED
            return SEQ if kind is yaml.SequenceNode else MAP

    return Loader


_LOADER: type | None = None


def load(text: str) -> Any:
    """The document in `text` as ruamel (YAML 1.2, safe) would load it, or `HandBack`."""
    global _LOADER
    if _DISPUTED.search(text):
        raise HandBack
    try:
        import yaml

        if _LOADER is None:
            _LOADER = _loader_class()
        node = yaml.compose(text, Loader=_LOADER)
    except Exception:
        raise HandBack from None
    if node is None:
        return None
    try:
        return _build(node, {})
    except HandBack:
        raise
    except Exception:  # RecursionError on deep documents, odd numbers, ...
        raise HandBack from None


def _build(node: Any, done: dict[int, Any]) -> Any:
    key = id(node)
    if key in done:
        if done[key] is _BUILDING:
            raise HandBack  # an alias inside itself
        return done[key]
    tag = node.tag
    if tag == QUOTED:
        return node.value
    if tag == PLAIN:
        return _plain(node.value)
    done[key] = _BUILDING
    if tag == SEQ:
        value: Any = [_build(item, done) for item in node.value]
    elif tag == MAP:
        value = {}
        for key_node, value_node in node.value:
            item_key = _build(key_node, done)
            if isinstance(item_key, list | dict) or item_key in value:
                raise HandBack  # complex or duplicate keys: ruamel decides
            value[item_key] = _build(value_node, done)
    else:
        raise HandBack  # an explicit tag
    done[key] = value
    return value


_BUILDING = object()


def _plain(text: str) -> Any:
    """Type a plain scalar by ruamel's YAML 1.2 rules: a pattern is only tried when the first
    character is one it registered for, in registration order; then ruamel's constructor."""
    if not text:
        return None
    first = text[0]
    if first in "tTfF" and BOOL.match(text):
        return text.lower() == "true"
    if first in "-+0123456789." and FLOAT.match(text):
        return _float(text)
    if first in "-+0123456789" and INT.match(text):
        return _int(text)
    if first in "~nN" and NULL.match(text):
        return None
    if first in "<0123456789=!&*" and HANDED_BACK.match(text):
        raise HandBack
    return text


def _int(text: str) -> int:
    digits = text.replace("_", "")
    sign = -1 if digits[0] == "-" else 1
    if digits[0] in "+-":
        digits = digits[1:]
    if digits == "0":
        return 0
    if digits.startswith("0b"):
        return sign * int(digits[2:], 2)
    if digits.startswith("0x"):
        return sign * int(digits[2:], 16)
    if digits.startswith("0o"):
        return sign * int(digits[2:], 8)
    return sign * int(digits)


def _float(text: str) -> float:
    digits = text.replace("_", "").lower()
    sign = -1 if digits[0] == "-" else 1
    if digits[0] in "+-":
        digits = digits[1:]
    if digits == ".inf":
        return sign * _INF
    if digits == ".nan":
        return _NAN
    return sign * float(digits)
