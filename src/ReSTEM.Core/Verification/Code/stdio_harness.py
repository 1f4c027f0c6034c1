# ReSTEM stdin/stdout harness (APPS / competitive-programming style). Trusted code: it runs
# the candidate program once per test case, each time in a fresh forked process whose real
# file descriptors 0 and 1 are the case's input file and a pipe back to this harness, so every
# way of reading input and writing output behaves as in a normal run. The expected outputs
# never enter the sandbox: the harness only relays what the program printed, framed with the
# run's token, and the service compares. It stops after the first case that does not end
# cleanly (timeout, crash, too much output).
# Standard input: the token line, then sections (12-digit byte length and the bytes): the
# program, the options ("case_timeout=SECONDS case_output=BYTES"), then a 12-digit case count
# and one section per case input.
# Standard output: "\n<token> COMPILE <reason>\n" when the program does not compile; else per
# case "\n<token> CASE <i> <status> <n>\n" followed by the n bytes the program printed, where
# status is ok, exit:<code>, signal:<number>, timeout or output; finally "\n<token> END\n".
import os as _os
import sys as _sys


def _restem_stdio():
    # Non-dumpable before anything is read: a case's process (same uid) cannot take this
    # process's descriptors through /proc/<pid>/fd and write frames of its own to the output.
    import ctypes
    if ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0) != 0:  # PR_SET_DUMPABLE = 4
        _os._exit(88)
    read = _os.read
    write = _os.write
    exit_now = _os._exit

    def read_exact(n):
        parts = []
        got = 0
        while got < n:
            chunk = read(0, n - got)
            if not chunk:
                exit_now(87)
            parts.append(chunk)
            got += len(chunk)
        return b"".join(parts)

    def read_line():
        line = b""
        while not line.endswith(b"\n"):
            chunk = read(0, 1)
            if not chunk:
                exit_now(87)
            line += chunk
        return line[:-1]

    def section():
        return read_exact(int(read_exact(12)))

    def emit(data):
        view = memoryview(data)
        while view:
            view = view[write(1, view):]

    token = read_line()
    program = section().decode("utf-8", "surrogateescape")
    options = dict(item.split("=", 1) for item in section().decode().split())
    case_timeout = float(options["case_timeout"])
    case_output = int(options["case_output"])
    inputs = [section() for _ in range(int(read_exact(12)))]

    try:
        code = compile(program, "<program>", "exec")
    except BaseException as exc:
        reason = " ".join(("%s: %s (line %s)" % (type(exc).__name__, exc, getattr(exc, "lineno", "?"))).split("\n"))[:1500]
        emit(b"\n" + token + b" COMPILE " + reason.encode("utf-8", "replace") + b"\n")
        exit_now(0)

    import resource
    import select
    import signal
    import time

    input_path = "/tmp/.restem-case-input"
    for index, data in enumerate(inputs):
        fd_in = _os.open(input_path, _os.O_RDWR | _os.O_CREAT | _os.O_TRUNC, 0o600)
        view = memoryview(data)
        while view:
            view = view[write(fd_in, view):]
        _os.lseek(fd_in, 0, 0)
        out_r, out_w = _os.pipe()
        pid = _os.fork()
        if pid == 0:
            status = 1
            try:
                _os.dup2(fd_in, 0)
                _os.dup2(out_w, 1)
                for fd in (fd_in, out_r, out_w):
                    _os.close(fd)
                seconds = max(1, int(case_timeout + 0.999))
                hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
                if hard == resource.RLIM_INFINITY or hard > seconds:
                    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
                _sys.stdin = _sys.__stdin__ = open(0, "r", closefd=False)
                _sys.stdout = _sys.__stdout__ = open(1, "w", closefd=False)
                exec(code, {"__name__": "__main__", "__builtins__": __builtins__})
                status = 0
            except SystemExit as exc:
                if exc.code is None:
                    status = 0
                elif isinstance(exc.code, int):
                    status = exc.code & 0xFF
                else:
                    print(exc.code, file=_sys.stderr)
                    status = 1
            except BaseException:
                import traceback
                traceback.print_exc()
                status = 1
            try:
                _sys.stdout.flush()
            except BaseException:
                status = status or 1
            try:
                _sys.stderr.flush()
            except BaseException:
                pass
            exit_now(status)

        _os.close(out_w)
        _os.close(fd_in)
        chunks = []
        total = 0
        status = None
        deadline = time.monotonic() + case_timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                status = "timeout"
                break
            ready, _, _ = select.select([out_r], [], [], remaining)
            if not ready:
                continue
            chunk = read(out_r, 65536)
            if not chunk:
                break
            total += len(chunk)
            if total > case_output:
                status = "output"
                break
            chunks.append(chunk)
        _os.close(out_r)
        if status is None:
            # Output is complete; the process may still be finishing (or lingering: cap the wait).
            while True:
                done, wait_status = _os.waitpid(pid, _os.WNOHANG)
                if done:
                    break
                if time.monotonic() > deadline:
                    status = "timeout"
                    break
                time.sleep(0.001)
            if status is None:
                if _os.WIFEXITED(wait_status):
                    exit_code = _os.WEXITSTATUS(wait_status)
                    status = "ok" if exit_code == 0 else "exit:%d" % exit_code
                else:
                    status = "signal:%d" % _os.WTERMSIG(wait_status)
        if status in ("timeout", "output"):
            try:
                _os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
            _os.waitpid(pid, 0)
        output = b"".join(chunks)
        emit(b"\n" + token + (" CASE %d %s %d\n" % (index, status, len(output))).encode() + output)
        if status != "ok":
            break
    emit(b"\n" + token + b" END\n")
    exit_now(0)


_restem_stdio()
