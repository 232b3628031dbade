"""`./kit start` as an analyst's terminal starts it, for the tests that press Ctrl-C."""

import signal


def ctrl_c_reaches_it():
    """Popen's preexec_fn: SIGINT at its default, as a terminal's shell gives its commands.

    A process started with SIGINT ignored (under nohup, or as a background job of a script)
    passes that on to every child, and bash cannot trap a signal ignored when it started: the
    kit would never see the Ctrl-C the test sends, and the test would wait for nothing."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
