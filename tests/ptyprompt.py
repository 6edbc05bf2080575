#!/usr/bin/env python3
"""Runs a command on a new pseudo-terminal, waits for its password prompt,
checks that echo is off then, sends ^C (the terminal's interrupt
character) and checks that echo is back on once the command has ended.

  python3 tests/ptyprompt.py COMMAND [ARGS...]

Prints one line: "prompt-echo=on|off exit=N|signal=NAME after-echo=on|off",
or "no prompt: ..." (exit status 1) when no prompt came within 10 s."""
import os
import pty
import select
import signal
import sys
import termios
import time


def echo(fd):
    return "on" if termios.tcgetattr(fd)[3] & termios.ECHO else "off"


def main():
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(sys.argv[1], sys.argv[1:])
    seen, end = b"", time.time() + 10
    while b"Password for" not in seen and time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                seen += os.read(fd, 1024)
            except OSError:
                break
    if b"Password for" not in seen:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        print("no prompt: %r" % seen)
        return 1
    time.sleep(0.2)  # the prompt is out: echo went off before it
    before = echo(fd)
    os.write(fd, b"\x03")
    _, status = os.waitpid(pid, 0)
    how = ("signal=%s" % signal.Signals(os.WTERMSIG(status)).name
           if os.WIFSIGNALED(status) else "exit=%d" % os.WEXITSTATUS(status))
    print("prompt-echo=%s %s after-echo=%s" % (before, how, echo(fd)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
