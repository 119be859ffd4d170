"""The README's Python section, run: each ```python block in turn (one namespace, as a reader
would type them), its printed output compared with the ```text block after it."""

from __future__ import annotations

import contextlib
import io
import os
import pathlib
import re
from typing import Any, Dict, List, Optional, Tuple

import pytest

from conftest import REPO

README = REPO / "README.md"


def _blocks() -> List[Tuple[str, Optional[str]]]:
    text = README.read_text(encoding="utf-8")
    start = text.index("\n## Python\n")
    end = text.find("\n## ", start + 1)
    section = text[start:end]
    fences = re.findall(r"```(\w+)\n(.*?)```", section, flags=re.S)
    out: List[Tuple[str, Optional[str]]] = []
    for i, (lang, body) in enumerate(fences):
        if lang == "python":
            after = fences[i + 1] if i + 1 < len(fences) else None
            out.append((body, after[1] if after and after[0] == "text" else None))
    return out


def test_the_python_section_runs(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not README.exists():
        pytest.skip("no README here")
    blocks = _blocks()
    assert len(blocks) >= 5
    (tmp_path / "examples").symlink_to(REPO / "examples")
    monkeypatch.chdir(tmp_path)
    namespace: Dict[str, Any] = {}
    ran = 0
    for code, expected in blocks:
        if "to_pandas()" in code:
            try:
                import pandas  # noqa: F401
            except ImportError:
                continue  # pandas is not a dependency; this block needs it
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, str(README), "exec"), namespace)
        ran += 1
        if expected is not None:
            assert out.getvalue() == expected, code
    assert ran >= len(blocks) - 1
    assert (tmp_path / "out" / "SHP00042.CMR").exists()
    assert os.getcwd() == str(tmp_path)
