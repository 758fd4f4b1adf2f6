"""The exit codes of every gkwatch command: one table, shown by ``gkwatch --help`` and README.

Cron and the scheduler read them the same way for every command: below ``BAD_INPUT`` the command
did its work (``check`` says with 1 and 2 whether findings are open or new: that is data, not a
failure); ``BAD_INPUT`` and above, it did not.
"""

OK = 0
FINDINGS_OPEN = 1   # check: findings of --severity or worse are open
FINDINGS_NEW = 2    # check: and some of them are new since the last run
BAD_INPUT = 3       # a wrong option, a malformed registry, config or rulebook, no such database or agency
FAILED = 4          # the command could not do its work: a crawl that did not finish, a delivery that failed,
                    # a database locked past every wait, a full or read-only disk

TABLE = (
    (OK, "成功 (success; check: nothing open)"),
    (FINDINGS_OPEN, "check: 有未解决的问题 (findings of --severity or worse are open)"),
    (FINDINGS_NEW, "check: 有本次新出现的问题 (some are new since the last run)"),
    (BAD_INPUT, "输入错误 (bad input: option, registry, config, rulebook, database, unknown agency)"),
    (FAILED, "未能完成 (could not finish: crawl stopped, delivery failed, another run holds the lock, "
             "database locked, disk full or read-only)"),
)


def failed(code: int) -> bool:
    """Whether a command's exit code says it did not do its work."""
    return code >= BAD_INPUT
