"""DataFrames for ``Report.to_pandas()`` / ``to_polars()`` and ``BatchResult``'s: neither
library is a dependency of cms; each is imported when a frame is asked for."""

from __future__ import annotations

from typing import Any, Dict, List


def _need(library: str) -> Any:
    try:
        return __import__(library)
    except ImportError as e:
        raise ImportError(
            f"this needs {library}, which cms does not install: pip install {library}"
        ) from e


def pandas(columns: Dict[str, List[Any]], kinds: Dict[str, str]) -> Any:
    """A pandas DataFrame; whole-number columns are nullable ``Int64``."""
    pd = _need("pandas")
    data = {}
    for name, values in columns.items():
        kind = kinds[name]
        if kind == "int":
            data[name] = pd.array(values, dtype="Int64")
        else:
            data[name] = pd.Series(values, dtype="object")
    return pd.DataFrame(data, columns=list(columns))


def polars(columns: Dict[str, List[Any]], kinds: Dict[str, str]) -> Any:
    """A polars DataFrame with a schema, so an empty table still has typed columns."""
    pl = _need("polars")
    types = {
        "int": pl.Int64,
        "str": pl.Utf8,
        "date": pl.Date,
        "list[str]": pl.List(pl.Utf8),
    }
    schema = {name: types[kinds[name]] for name in columns}
    return pl.DataFrame(columns, schema=schema)
