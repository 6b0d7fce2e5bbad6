"""`accelerator import`: send a CSV of applications to intake in chunks, with a progress bar,
then a summary and every rejected line. Exit code 0: all imported; 1: some rows rejected;
2: usage, file, connection or server problems (nothing more was sent after one)."""

import argparse
import csv
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cli.csv_chunks import chunks, count_rows
from cli.settings import setting

ALL_IMPORTED, SOME_REJECTED, FAILED = 0, 1, 2


class ImportFailed(Exception):
    pass


def register(subcommands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subcommands.add_parser(
        "import",
        help="import applications from a CSV file",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", type=Path, help="UTF-8 CSV with a header row")
    parser.add_argument("--edition", required=True, help="edition id, e.g. athlete365-4")
    parser.add_argument("--url", help="intake's base URL (default: $INTAKE_URL, .run/stack.env)")
    parser.add_argument("--token", help="admin token (default: $ADMIN_TOKEN, .run/stack.env)")
    parser.add_argument("--chunk-rows", type=int, default=250, help="rows per request")
    parser.add_argument("--from-line", type=int, default=2, help="resume at this file line")
    parser.add_argument("--save-tokens", type=Path, help="write line,application id,status token")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    out, err = Console(), Console(stderr=True)
    url, token = setting("INTAKE_URL", args.url), setting("ADMIN_TOKEN", args.token)
    if not url or not token:
        err.print("[red]no intake URL or admin token: pass --url/--token or run `make up`[/]")
        return FAILED
    if args.chunk_rows < 1:
        err.print("[red]--chunk-rows must be at least 1[/]")
        return FAILED
    try:
        text = args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        err.print(f"[red]cannot read {args.file}: {exc}[/]")
        return FAILED
    results: list[dict[str, Any]] = []
    try:
        _send(text, args=args, url=url, token=token, results=results, console=err)
    except ImportFailed as exc:
        err.print(f"[red]import stopped: {exc}[/]")
        _summary(out, results)
        return FAILED
    _summary(out, results)
    if args.save_tokens:
        _save_tokens(args.save_tokens, results)
    return SOME_REJECTED if any(r["rejected"] for r in results) else ALL_IMPORTED


def _send(
    text: str,
    *,
    args: argparse.Namespace,
    url: str,
    token: str,
    results: list[dict[str, Any]],
    console: Console,
) -> None:
    columns = (TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    path = f"/v1/editions/{args.edition}/applications:import"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/csv; charset=utf-8"}
    with (
        Progress(*columns, console=console) as progress,
        httpx.Client(base_url=url, headers=headers, timeout=300) as client,
    ):
        task = progress.add_task("rows", total=count_rows(text, from_line=args.from_line))
        for chunk in chunks(text, rows_per_chunk=args.chunk_rows, from_line=args.from_line):
            try:
                response = client.post(
                    path, content=chunk.text.encode(), params={"first_line": chunk.first_line}
                )
            except httpx.HTTPError as exc:
                raise ImportFailed(f"{url} unreachable at line {chunk.first_line}: {exc}") from exc
            if response.status_code != 200:
                raise ImportFailed(_refusal(response, chunk.first_line))
            results.append(response.json())
            progress.advance(task, chunk.rows)


def _refusal(response: httpx.Response, line: int) -> str:
    try:
        detail = response.json().get("detail", response.text)
    except ValueError:
        detail = response.text
    hint = {
        401: " (is the admin token right?)",
        413: " (try a smaller --chunk-rows)",
    }.get(response.status_code, "")
    return (
        f"intake answered {response.status_code} for the chunk at line {line}: {detail}{hint};"
        f" rows before line {line} are imported (resume with --from-line {line})"
    )


def _summary(out: Console, results: list[dict[str, Any]]) -> None:
    table = Table(title="import summary")
    for name in ("rows", "imported", "rejected"):
        table.add_column(name, justify="right")
    table.add_row(
        *(str(sum(r[name] for r in results)) for name in ("rows", "imported", "rejected"))
    )
    out.print(table)
    for result in results:
        for row in result["errors"]:
            problems = "; ".join(f"{e['field']}: {e['msg']}" for e in row["errors"])
            out.print(f"line {row['line']} ({row['status']}): {problems}", markup=False)


def _save_tokens(path: Path, results: list[dict[str, Any]]) -> None:
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["line", "application_id", "status_token"])
        for result in results:
            for app in result["applications"]:
                writer.writerow([app["line"], app["application_id"], app["status_token"]])
