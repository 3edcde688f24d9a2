"""Params and metrics of every revision, parsed and flattened exactly as `dvc exp show` does.

Parsing follows DVC's own parsers (`dvc.utils.serialize`: ruamel YAML 1.2, json, tomlkit,
python ast) and its flattener (`flatten_dict` with dots), so the values match DVC's byte for
byte; the fast paths (libyaml, a local flatten) are held against DVC's by property tests.
Values are then made JSON-shaped (dates as ISO strings, tuples and sets as lists) so that what
comes out of the persistent cache equals what was read fresh.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import posixpath
import re
from collections.abc import Mapping, Sequence
from typing import Any

from cd4ml_tui.core.dvc import fastyaml
from cd4ml_tui.core.dvc.files import decode_text, dvc_serialize
from cd4ml_tui.core.errors import ParseError
from cd4ml_tui.core.model import FlatValues, ValueKind

# Bump when what the reader produces changes: it is part of every persistent cache key.
READER_VERSION = 4


def parse_document(data: bytes, path: str) -> Any:
    """Parse one params/metrics file as DVC does, by suffix: JSON, TOML, Python, else YAML.

    JSON (`json.loads(text) or {}`) and TOML (`tomlkit.loads(text).unwrap()`) are what
    `dvc.utils.serialize` runs, called directly so that reading needs no `dvc` import; YAML
    takes the libyaml fast path, and DVC's own parser for what that hands back."""
    text = decode_text(data, path)
    suffix = posixpath.splitext(path)[1].lower()
    try:
        if suffix == ".json":
            return _parse_json(text, path)
        if suffix == ".toml":
            return _parse_toml(text, path)
        if suffix != ".py":
            try:
                return fastyaml.load(text) or {}
            except fastyaml.HandBack:
                pass  # DVC's own parser decides, with its own error message

        return dvc_serialize().PARSERS[suffix](text, path)
    except ParseError:
        raise
    except RecursionError:
        raise ParseError(f"unable to read: '{path}', nested too deeply") from None
    except Exception as err:
        raise ParseError(_describe(err, path)) from None


def _parse_json(text: str, path: str) -> Any:
    try:
        return json.loads(text) or {}
    except json.JSONDecodeError as err:
        raise ParseError(
            f"unable to read: '{path}', JSON file structure is corrupted: {err}"
        ) from None


def _parse_toml(text: str, path: str) -> Any:
    import tomlkit
    from tomlkit.exceptions import ParseError as TomlError

    try:
        document = tomlkit.loads(text)
    except TomlError as err:
        raise ParseError(
            f"unable to read: '{path}', TOML file structure is corrupted: {err}"
        ) from None
    return document.unwrap()


def _describe(err: Exception, path: str) -> str:
    """DVC's message ("unable to read: 'm.json', JSON file structure is corrupted") plus the cause
    the parser gave (line and column), on one line."""
    message = " ".join(str(err).split()) or type(err).__name__
    cause = err.__cause__ or err.__context__
    if cause is not None and str(cause):
        message += ": " + " ".join(str(cause).split())
    if f"'{path}'" not in message and path not in message:
        message = f"unable to read: '{path}', {message}"
    return message


def extract_metrics(value: Any) -> Any:
    """Keep what DVC keeps of a metrics document (`dvc.repo.metrics.show._extract_metrics`):
    numbers, strings and booleans, in nested mappings; lists and nulls are dropped."""
    if isinstance(value, int | float | str):
        return value
    if not isinstance(value, dict):
        return None
    kept = {}
    for key, item in value.items():
        extracted = extract_metrics(item)
        if extracted not in (None, {}):
            kept[key] = extracted
    return kept


def select_params(config: Any, keys: Sequence[str]) -> Any:
    """The named keys of a params document (`dvc.dependency.param.read_param_file`): dpath
    globs with dots, merged; the whole document when no key is named."""
    if not keys:
        return config
    from copy import deepcopy

    import dpath

    selected: dict[Any, Any] = {}
    for key in dict.fromkeys(keys):
        dpath.merge(selected, deepcopy(dpath.search(config, key, separator=".")), separator=".")
    return selected


_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Join UTF-16 surrogate pairs that YAML escapes like `"\\ud83d\\ude00"` leave behind, as
    a JSON reader of DVC's output would; a lone surrogate (not printable) becomes U+FFFD."""
    if _SURROGATE.search(text) is None:
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def json_key(key: Any) -> str:
    """A mapping key as `json.dumps` writes it (what `dvc exp show --json` prints)."""
    if isinstance(key, str):
        return clean_text(key)
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, float):
        return _float_key(key)
    return str(key)


def _float_key(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return repr(value)


def json_value(value: Any) -> Any:
    """A value as DVC's JSON output shows it: dates ISO, tuples/sets as lists, bytes as text."""
    if isinstance(value, str):
        return clean_text(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, dt.date | dt.time):  # datetime is a date
        return value.isoformat()
    if isinstance(value, dict):
        return {json_key(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_value(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def flatten(document: Any, path: str) -> FlatValues:
    """Nested keys joined with dots (`dvc.utils.flatten.flatten`); lists stay lists.

    A bare scalar (a number, string or boolean: `0.75` alone in a file) is kept under the empty
    key "": `dvc exp show --json` shows it as the file's whole `data`, its table as a column named
    after the file, and `dvc exp diff` as a row with the key "". Anything else that is not a
    mapping (a list) has no columns in DVC, so it flattens to nothing.
    """
    if isinstance(document, int | float | str):
        return {"": json_value(document)}
    if not isinstance(document, dict):
        return {}
    flat: dict[Any, Any] = {}
    try:
        _flatten_into(flat, document, None)
    except ValueError as err:  # two keys flatten to the same dotted name
        raise ParseError(f"unable to read: '{path}', {err}") from None
    return {json_key(k): json_value(v) for k, v in flat.items()}


def _flatten_into(flat: dict[Any, Any], mapping: Mapping[Any, Any], parent: Any) -> None:
    """`flatten_dict.flatten(d, reducer="dot")`, which DVC uses, without its import cost:
    same key joining (`"{}.{}".format`, a None parent means top level), same dropping of empty
    mappings, same error for duplicates. A property test holds it against flatten_dict."""
    for key, value in mapping.items():
        flat_key = key if parent is None else f"{parent}.{key}"
        if isinstance(value, Mapping):
            _flatten_into(flat, value, flat_key)
            continue
        if flat_key in flat:
            raise ValueError(f"duplicated key '{flat_key}'")
        flat[flat_key] = value


def parse_values(data: bytes, path: str, kind: ValueKind, keys: Sequence[str] = ()) -> FlatValues:
    """One params or metrics file's flattened values, or a `ParseError` naming what is wrong."""
    document = parse_document(data, path)
    try:
        if kind == "metric":
            document = extract_metrics(document) or {}
        else:
            document = select_params(document, keys)
    except RecursionError:
        raise ParseError(f"unable to read: '{path}', nested too deeply") from None
    except Exception as err:
        raise ParseError(f"unable to read: '{path}', {_describe(err, path)}") from None
    return flatten(document, path)
