"""Threads: the GIL is released while validating and processing, many threads validate at
once with the same results, and CRNs stay unique across threads."""

from __future__ import annotations

import concurrent.futures
import os
import subprocess
import sys
import textwrap

import pytest

import cms
from conftest import BAD_MPRN_UPLOAD, CLEAN_UPLOAD, CORPUS


def run_isolated(code: str, timeout: float = 120) -> str:
    """Runs `code` in a fresh interpreter; a deadlock there is a timeout here, not a hang."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_the_gil_is_released_while_validating(tmp_path: object) -> None:
    # The validating thread blocks inside Rust, opening and reading a named pipe, until the main
    # thread writes to it. Were the GIL held meanwhile, the main thread could never write: the
    # child would hang and this test time out.
    out = run_isolated(
        f"""
        import os, tempfile, threading, cms
        data = {CLEAN_UPLOAD!r}
        d = tempfile.mkdtemp()
        fifo = os.path.join(d, "SHP00042.CMQ")
        os.mkfifo(fifo)
        got = {{}}
        t = threading.Thread(target=lambda: got.setdefault("report", cms.validate(fifo)))
        t.start()
        with open(fifo, "wb") as w:
            w.write(data[:20])
            w.flush()
            w.write(data[20:])
        t.join(60)
        assert not t.is_alive()
        print(got["report"].accepted)
        """,
        timeout=90,
    )
    assert out.strip() == "True"


def test_many_threads_validate_at_once() -> None:
    cases = sorted(p for p in (CORPUS / "cases").iterdir() if (p / "case.json").exists())
    inputs = []
    for case in cases:
        for f in case.iterdir():
            if f.name != "case.json":
                inputs.append((f.read_bytes(), f.name))
    inputs = inputs * 4
    alone = [cms.validate(data, file_name=name) for data, name in inputs]
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(lambda a: cms.validate(a[0], file_name=a[1]), inputs))
    assert together == alone


def test_processing_in_threads_shares_one_generator() -> None:
    gen = cms.CrnGenerator(block_size=3)

    def job(_: int) -> list:
        r = cms.process(CLEAN_UPLOAD, 1234, "shipper", "2026-12-03", file_name="SHP00042.CMQ", crn=gen)
        return [c.crn for c in r.contacts]

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        crns = [c for batch in pool.map(job, range(200)) for c in batch]
    assert len(crns) == 200 and len(set(crns)) == 200


def test_crns_from_a_python_source_across_threads_without_deadlock() -> None:
    # Threads issuing CRNs (each call without the GIL) and batch jobs (which call the source
    # with the GIL taken back) share one generator over a Python source.
    out = run_isolated(
        f"""
        import threading, concurrent.futures, cms
        lock = threading.Lock()
        state = {{"next": 1, "calls": 0}}
        def source(wanted):
            with lock:
                start = state["next"]
                state["next"] += wanted
                state["calls"] += 1
                return (start, start + wanted)
        gen = cms.CrnGenerator(source=source, block_size=5)
        upload = {CLEAN_UPLOAD!r}
        def direct(_):
            return [gen.next() for _ in range(50)]
        def batch(_):
            r = cms.process(upload, 1234, "shipper", "2026-12-03", file_name="SHP00042.CMQ", crn=gen)
            return [c.crn for c in r.contacts]
        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            futures = [pool.submit(direct if i % 2 else batch, i) for i in range(64)]
            crns = [c for f in futures for c in f.result(timeout=60)]
        assert len(crns) == len(set(crns)) == 32 * 50 + 32, len(crns)
        print(state["calls"] > 1)
        """
    )
    assert out.strip() == "True"


def test_file_objects_in_threads() -> None:
    import io

    def job(i: int) -> bool:
        data = BAD_MPRN_UPLOAD if i % 2 else CLEAN_UPLOAD
        return cms.validate(io.BytesIO(data), file_name="SHP00042.CMQ").accepted

    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        got = list(pool.map(job, range(60)))
    assert got == [i % 2 == 0 for i in range(60)]
