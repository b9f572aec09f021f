# pty_run.py COLS ROWS CMD...: run CMD on a new pseudo-terminal of COLS x ROWS (stdin,
# stdout and stderr all on it) and write what it printed to stdout, CRLF made LF.
# Exits with CMD's exit code. read_all is also used by on_pty in tests/lib.sh.
import fcntl
import os
import struct
import sys
import termios


def read_all(master):
    """Everything read from a terminal's master side until the last writer has gone."""
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:   # EIO: the child closed its end
            break
        if not chunk:
            break
        out += chunk
    return out


def main():
    cols, rows = int(sys.argv[1]), int(sys.argv[2])
    master, slave = os.openpty()
    # The size is set before the child starts, so its first look at the window is right.
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    pid = os.fork()
    if pid == 0:
        os.close(master)
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        for fd in (0, 1, 2):
            os.dup2(slave, fd)
        if slave > 2:
            os.close(slave)
        os.execvp(sys.argv[3], sys.argv[3:])
    os.close(slave)
    out = read_all(master)
    _, status = os.waitpid(pid, 0)
    sys.stdout.buffer.write(out.replace(b"\r\n", b"\n"))
    sys.exit(os.waitstatus_to_exitcode(status))


if __name__ == "__main__":
    main()
