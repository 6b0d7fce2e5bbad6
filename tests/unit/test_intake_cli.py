"""`accelerator import` cuts a file into chunks of whole rows that keep their file lines."""

import csv
import io
from pathlib import Path

import pytest

from cli.csv_chunks import chunks, count_rows
from cli.main import main
from cli.settings import setting

pytestmark = pytest.mark.unit

FILE = 'id,pitch\nA,"one\ntwo"\n\nB,x\r\nC,y\nD,"z"'


def test_chunks_hold_whole_rows_and_start_at_their_file_line() -> None:
    cut = list(chunks(FILE, rows_per_chunk=2))
    assert [(c.first_line, c.rows) for c in cut] == [(2, 2), (6, 2)]
    assert all(c.text.startswith("id,pitch\n") for c in cut)
    rows = [r for c in cut for r in csv.reader(io.StringIO(c.text, newline="")) if r]
    assert [r[0] for r in rows if r[0] != "id"] == ["A", "B", "C", "D"]


def test_blank_lines_inside_a_chunk_keep_the_line_count() -> None:
    (first, _) = chunks(FILE, rows_per_chunk=2)
    assert first.text.count("\n") == 5  # header, the two-line pitch, a blank line, B


def test_resuming_skips_rows_before_the_line() -> None:
    assert count_rows(FILE) == 4
    assert count_rows(FILE, from_line=6) == 2
    assert [c.first_line for c in chunks(FILE, rows_per_chunk=10, from_line=5)] == [5]


def test_a_missing_command_or_edition_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main(["import", "file.csv"]) == 2
    assert "--edition" in capsys.readouterr().err


def test_settings_come_from_the_option_then_the_environment_then_stack_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stack_env = tmp_path / "stack.env"
    stack_env.write_text("INTAKE_URL=http://from-file\nADMIN_TOKEN=file-token\n")
    monkeypatch.setenv("INTAKE_URL", "http://from-env")
    monkeypatch.delenv("ADMIN_TOKEN", raising=False)
    assert setting("INTAKE_URL", "http://given", stack_env=stack_env) == "http://given"
    assert setting("INTAKE_URL", None, stack_env=stack_env) == "http://from-env"
    assert setting("ADMIN_TOKEN", None, stack_env=stack_env) == "file-token"
    assert setting("ADMIN_TOKEN", None, stack_env=tmp_path / "none.env") is None
