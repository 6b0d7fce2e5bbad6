"""The exit codes every `accelerator` command shares, and the failure that carries one."""

OK = 0
# The command ran and found something a human must look at: a service down or not ready,
# import rows rejected, dead letters that could not be redriven.
ATTENTION = 1
# Nothing (more) was done: a usage error, missing configuration, an unreachable service or
# broker, or an answer the command did not expect.
FAILED = 2
# The command refused because acting now would be unsafe or impossible: a consumer group
# with live members, a closed edition, offsets that would skip events.
REFUSED = 3

EXIT_CODES_HELP = f"""exit codes:
  {OK}  done
  {ATTENTION}  done, but something needs attention (a service down or not ready, import rows
     rejected, dead letters that could not be redriven)
  {FAILED}  failed: usage, configuration, connection or server problem
  {REFUSED}  refused: acting now would be unsafe (live consumers, a closed edition, ...)"""


class CommandFailed(Exception):
    """Ends a command with a message naming what is wrong; `main` prints it and exits `code`."""

    def __init__(self, message: str, *, code: int = FAILED) -> None:
        super().__init__(message)
        self.code = code
