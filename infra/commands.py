"""Commands run to completion, whose failures must quote what the command said."""

import subprocess
from collections.abc import Sequence
from pathlib import Path

from infra.errors import InfraError


def tail(path: Path, lines: int = 40) -> str:
    if not path.exists():
        return f"({path} does not exist)"
    text = path.read_text(errors="replace").splitlines()[-lines:]
    return "\n".join(text) or f"({path} is empty)"


def run_checked(
    command: Sequence[str],
    *,
    what: str,
    new_session: bool = False,
) -> str:
    """Run to completion; on failure raise with the command's own output, which says why.

    new_session keeps daemons it leaves behind out of our terminal's process group, so a
    Ctrl-C meant for us does not reach them.
    """
    result = subprocess.run(
        list(command),
        capture_output=True,
        text=True,
        check=False,
        start_new_session=new_session,
    )
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()[-4000:]
        raise InfraError(f"{what} failed (exit {result.returncode}): {' '.join(command)}\n{output}")
    return result.stdout
