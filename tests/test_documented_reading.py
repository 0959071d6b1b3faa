"""Reading a user's documented-advances CSV: unreadable files are one DataError; rows still score."""

from __future__ import annotations

import os

import pytest

from logistics import settings
from logistics.errors import DataError
from logistics.history.documented import COLUMNS, load_documented

SHIPPED = settings.CONFIG_DIR / "history" / "documented-advances.csv"


def test_a_header_only_file_has_an_empty_table_with_every_column(tmp_path):
    p = tmp_path / "h.csv"
    p.write_text(",".join(COLUMNS) + "\n", encoding="utf-8")
    doc = load_documented(p)
    assert doc.table.empty and doc.problems == ()
    assert doc.axes == [] and len(doc.usable) == 0
    assert {"axis_id", "date", "usable", "row"} <= set(doc.table.columns)


@pytest.mark.parametrize("raw, words", [
    (",".join(COLUMNS + ("date",)).encode() + b"\n", "column(s) 'date' appear more than once"),
    (b"axis_id,axis_id,date\nA,B,1945-08-10\n", "'axis_id' appear more than once"),
    ((",".join(COLUMNS) + "\nTao'\u00e2n\n").encode("latin-1"), "not UTF-8 text (byte 0xe2 at line 2)"),
    ((",".join(COLUMNS) + "\n").encode("utf-16"), "UTF-16"),
    (b"axis_id,date\nA\x00,1945-08-10\n", "NUL"),
    (b"", "the file is empty"),
    (b"\n\n\n", "the file is empty"),
])
def test_unreadable_files_are_one_data_error_naming_the_file(tmp_path, raw, words):
    p = tmp_path / "bad.csv"
    p.write_bytes(raw)
    with pytest.raises(DataError) as err:
        load_documented(p)
    assert str(p) in str(err.value) and words in str(err.value)


def test_a_pipe_or_a_folder_is_refused_without_reading(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(DataError, match="not a regular file"):
        load_documented(fifo)  # reading it would wait forever
    with pytest.raises(DataError, match="a folder"):
        load_documented(tmp_path)


def test_a_utf8_bom_and_crlf_read_as_the_shipped_file(tmp_path):
    text = SHIPPED.read_text(encoding="utf-8")
    p = tmp_path / "excel.csv"
    p.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    mine, shipped = load_documented(p), load_documented(SHIPPED)
    assert mine.problems == shipped.problems
    assert mine.table.equals(shipped.table)


def test_a_huge_bad_cell_is_shown_cut_short(tmp_path):
    p = tmp_path / "long.csv"
    p.write_text(",".join(COLUMNS) + "\nTBF-39A,f,f," + "x" * 2_000_000 + "," * 14 + "\n",  # the date
                 encoding="utf-8")
    doc = load_documented(p)
    shown = [str(problem) for problem in doc.problems]
    assert shown and max(len(s) for s in shown) < 500
    assert any("2,000,000 characters" in s for s in shown)
