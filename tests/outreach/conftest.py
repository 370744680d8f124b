"""The permission matrix's count of cases, in the terminal summary of every run that checked it."""

from tests.outreach.matrix_world import REPORT


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    lines = config.stash.get(REPORT, [])
    if lines:
        terminalreporter.section("permission matrix")
        for line in lines:
            terminalreporter.write_line(line)
