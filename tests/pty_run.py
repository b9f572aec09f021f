# pty_run.py COLS ROWS CMD...: run CMD on a new pseudo-terminal of COLS x ROWS (stdin,
# stdout and stderr all on it) and write what it printed to stdout, CRLF made LF.
# Exits with CMD's exit code. read_all is also used by on_pty in tests/lib.sh.
import fcntl
import os
import select
import struct
import sys
import termios

# Silence on the master, once the child is gone, that ends the read: what the child wrote
# last may still be on its way through the terminal's buffers.
DRAIN_MS = 200


def read_all(master, done=None):
    """Everything read from a terminal's master side until the last writer has gone.

    With done (a function that tells whether the child has exited), the caller keeps its
    own copy of the slave side open, so the terminal is never hung up under the reader:
    Linux may answer EIO at the last close while the final writes are still in its
    buffers, and they are lost. The read then ends at DRAIN_MS of silence after done()."""
    out = b""
    while True:
        if done is not None:
            gone = done()
            if not select.select([master], [], [], DRAIN_MS / 1000 if gone else 0.05)[0]:
                if gone:
                    break
                continue
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
    status = []

    def done():
        if not status:
            p, st = os.waitpid(pid, os.WNOHANG)
            if p == pid:
                status.append(st)
        return bool(status)

    out = read_all(master, done)
    os.close(slave)
    status = status[0]
    sys.stdout.buffer.write(out.replace(b"\r\n", b"\n"))
    sys.exit(os.waitstatus_to_exitcode(status))


if __name__ == "__main__":
    main()
