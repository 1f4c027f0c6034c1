# ReSTEM function-test harness (HumanEval, MBPP, APPS call-based). Trusted code, run inside the
# sandbox as two processes:
# - the judge (this process) reads the tests, runs them and alone decides PASS. Before it reads
#   anything secret it makes itself non-dumpable, so another process of the same uid cannot
#   read its memory (/proc/<pid>/mem), take its descriptors (/proc/<pid>/fd) or trace it
#   (ptrace and process_vm_* are also refused by the sandbox's seccomp filter);
# - the candidate, forked before the judge has read the token or the tests, drops the judge's
#   standard streams and every other descriptor, runs the setup code and the program in its
#   own interpreter and answers the judge's calls over two pipes with plain data only.
# The judge rebuilds every answer as true built-in values (int, str, list, dict, ...) or as an
# opaque handle that is equal only to itself, so no object, builtin, hook or frame the
# candidate defines takes part in a comparison the tests make. Names the tests need from the
# program are bound to proxies; names the problem statement defines (HumanEval's helpers such
# as `poly`) are the judge's own trusted copies; builtins are never shadowed.
# Standard input: the token line, then five sections, each a 12-digit byte length and the
# bytes: setup code, trusted prelude (the problem statement, or empty), candidate program,
# test code, entry point name.
# Standard output: exactly one line "\n<token> <KIND> <reason>" where KIND is PASS, FAIL,
# CRASH, MEMORY, TIMEOUT or BADTEST; nothing else writes there.
import os as _os
import sys as _sys


def _restem_undumpable():
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(4, 0, 0, 0, 0) != 0:  # PR_SET_DUMPABLE = 4
        _os._exit(88)


_restem_undumpable()


def _restem_frames():
    # Frames on both pipes: a 12-digit length, then that many bytes of JSON.
    read = _os.read
    write = _os.write

    def send(fd, data):
        data = b"%012d" % len(data) + data
        view = memoryview(data)
        while view:
            view = view[write(fd, view):]

    def receive(fd):
        header = read_exact(fd, 12)
        if header is None or not header.isdigit():
            return None
        return read_exact(fd, int(header))

    def read_exact(fd, n):
        parts = []
        got = 0
        while got < n:
            chunk = read(fd, min(n - got, 1 << 20))
            if not chunk:
                return None
            parts.append(chunk)
            got += len(chunk)
        return b"".join(parts)

    return send, receive


def _restem_candidate(requests, answers):
    # The candidate's process: everything here is the candidate's to change; the judge trusts none of it.
    import builtins
    import json
    send, receive = _restem_frames()
    null = _os.open("/dev/null", _os.O_RDWR)
    for fd in (0, 1, 2):
        _os.dup2(null, fd)
    keep = sorted({0, 1, 2, requests, answers})
    for low, high in zip(keep, keep[1:] + [1 << 16]):
        _os.closerange(low + 1, high)

    def reply(message):
        send(answers, json.dumps(message, ensure_ascii=True, allow_nan=True).encode("ascii"))

    first = receive(requests)
    if first is None:
        _os._exit(0)
    job = json.loads(first)
    namespace = {"__builtins__": builtins}
    for name, source in (("<setup>", job["setup"]), ("<program>", job["program"])):
        try:
            exec(compile(source, name, "exec"), namespace)
        except MemoryError:
            reply({"load": ["MEMORY", "the program ran out of memory while loading"]})
            _os._exit(0)
        except SyntaxError as exc:
            reply({"load": ["CRASH", "%s does not compile (line %s): %s" % (name[1:-1], exc.lineno, describe(exc))]})
            _os._exit(0)
        except SystemExit as exc:
            reply({"load": ["CRASH", "the program exited (SystemExit %r) before the tests" % (exc.code,)]})
            _os._exit(0)
        except BaseException as exc:
            reply({"load": ["CRASH", "%s raised %s%s" % ("the program" if name == "<program>" else "the setup code",
                                                          describe(exc), at_line(exc, name, source))]})
            _os._exit(0)

    handles = []

    def handle(value):
        handles.append(value)
        return {"h": len(handles) - 1}

    def encode(value, depth=0):
        if depth > 100:
            raise ValueError("the value is nested too deeply")
        kind = type(value)
        if value is None or kind is bool or kind is str or kind is float:
            return value
        if kind is int:
            return value if value.bit_length() < 8000 else {"I": format(value, "x")}
        if kind is list:
            return [encode(item, depth + 1) for item in value]
        if kind is tuple:
            return {"t": [encode(item, depth + 1) for item in value]}
        if kind is dict:
            return {"d": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]}
        if kind is set or kind is frozenset:
            return {("s" if kind is set else "f"): [encode(item, depth + 1) for item in value]}
        if kind is bytes or kind is bytearray:
            return {("b" if kind is bytes else "y"): value.decode("latin-1")}
        if kind is complex:
            return {"c": [value.real, value.imag]}
        if kind is range:
            return {"r": [value.start, value.stop, value.step]}
        library = _sys.modules.get("collections")
        if library is not None:
            if kind is library.Counter:
                return {"C": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]}
            if kind is library.OrderedDict:
                return {"o": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]}
            if kind is library.deque:
                return {"q": [encode(item, depth + 1) for item in value]}
            if kind is library.defaultdict:
                return {"d": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]}
        decimal = _sys.modules.get("decimal")
        if decimal is not None and kind is decimal.Decimal:
            return {"D": str(value)}
        fractions = _sys.modules.get("fractions")
        if fractions is not None and kind is fractions.Fraction:
            return {"F": [value.numerator, value.denominator]}
        # Subclasses of plain types (named tuples, IntEnum) travel as their base value.
        for base in (bool, int, float, str, tuple, list, dict, set, frozenset):
            if isinstance(value, base):
                return encode(base(value), depth)
        if hasattr(kind, "__next__") and hasattr(kind, "__iter__"):
            items = []
            for item in value:
                items.append(encode(item, depth + 1))
                if len(items) > 1000000:
                    raise ValueError("the iterator did not end")
            return {"i": items}
        return handle(value)

    def decode(value):
        kind = type(value)
        if kind is list:
            return [decode(item) for item in value]
        if kind is not dict:
            return value
        (tag, payload), = value.items()
        if tag == "h":
            return handles[payload]
        if tag == "I":
            return int(payload, 16)
        if tag == "t":
            return tuple(decode(item) for item in payload)
        if tag == "d":
            return {decode(k): decode(v) for k, v in payload}
        if tag == "s":
            return {decode(item) for item in payload}
        if tag == "f":
            return frozenset(decode(item) for item in payload)
        if tag == "b":
            return payload.encode("latin-1")
        if tag == "y":
            return bytearray(payload.encode("latin-1"))
        if tag == "c":
            return complex(payload[0], payload[1])
        if tag == "r":
            return range(*payload)
        raise ValueError("an argument of kind %r" % tag)

    def target(ref):
        if ref[0] == "h":
            return handles[ref[1]]
        name = ref[1]
        if name in namespace:
            return namespace[name]
        # APPS call-based solutions are often LeetCode classes: call Solution().<name>, as the public APPS harness does.
        solution = namespace.get("Solution")
        if isinstance(solution, type) and hasattr(solution, name):
            return getattr(solution(), name)
        raise NameError("name %r is not defined" % name)

    names = {}
    for name, value in list(namespace.items()):
        if name.startswith("__"):
            continue
        if type(value) is type(_sys):
            names[name] = ["module", value.__name__]
        elif callable(value):
            names[name] = ["callable"]
        else:
            try:
                names[name] = ["value", encode(value)]
            except BaseException:
                names[name] = ["callable"]
    entry = job["entry"]
    try:
        target(["n", entry]) if entry else None
        reachable = True
    except BaseException:
        reachable = False
    reply({"names": names, "entry": reachable})

    while True:
        message = receive(requests)
        if message is None:
            _os._exit(0)
        request = json.loads(message)
        try:
            subject = target(request["ref"])
            if request["op"] == "call":
                args = decode(request["args"])
                kwargs = {k: decode(v) for k, v in request["kwargs"]}
                result = subject(*args, **kwargs)
            else:
                result = getattr(subject, request["name"])
            answer = {"ok": encode(result)}
        except BaseException as exc:
            try:
                answer = {"raise": [type(exc).__name__, str(exc)[:300]]}
            except BaseException:
                answer = {"raise": ["Exception", "an exception whose text cannot be shown"]}
        reply(answer)


def describe(exc):
    try:
        message = str(exc)
    except BaseException:
        message = ""
    name = type(exc).__name__
    return name + (": " + message[:300] if message else "")


def failing_line(exc, filename, source):
    # The innermost frame of the traceback that belongs to `filename`: (line number, its text), or (None, "").
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    if line is None:
        return None, ""
    lines = source.splitlines()
    return line, (lines[line - 1].strip() if 0 < line <= len(lines) else "")


def at_line(exc, filename, source):
    line, text = failing_line(exc, filename, source)
    return " at line %d: %s" % (line, text) if line else ""


def _restem_judge():
    import builtins
    import json
    import time
    read = _os.read
    write = _os.write
    send, receive = _restem_frames()

    requests_read, requests_write = _os.pipe()
    answers_read, answers_write = _os.pipe()
    pid = _os.fork()
    if pid == 0:
        try:
            _os.close(requests_write)
            _os.close(answers_read)
            _restem_candidate(requests_read, answers_write)
        finally:
            _os._exit(0)
    _os.close(requests_read)
    _os.close(answers_write)

    def read_exact(n):
        parts = []
        got = 0
        while got < n:
            chunk = read(0, n - got)
            if not chunk:
                _os._exit(87)
            parts.append(chunk)
            got += len(chunk)
        return b"".join(parts)

    def read_line():
        line = b""
        while not line.endswith(b"\n"):
            chunk = read(0, 1)
            if not chunk:
                _os._exit(87)
            line += chunk
        return line[:-1]

    token = read_line()

    def section():
        return read_exact(int(read_exact(12))).decode("utf-8", "surrogateescape")

    setup, prelude, program, test, entry = section(), section(), section(), section(), section()

    def report(kind, reason=""):
        try:
            _os.kill(pid, 9)
        except OSError:
            pass
        text = " ".join(str(reason).split("\n"))[:1500]
        data = b"\n" + token + b" " + kind.encode() + b" " + text.encode("utf-8", "replace") + b"\n"
        view = memoryview(data)
        while view:
            view = view[write(1, view):]
        _os._exit(0)

    class CandidateError(Exception):
        """An exception the candidate raised that is not one of Python's built-in exceptions."""

    class CandidateGone(Exception):
        """The candidate's process ended while the tests still needed it."""

    class BadAnswer(Exception):
        """The candidate answered with something that is not plain data."""

    class Unsupported(Exception):
        """The tests passed the candidate a value that cannot cross to its process."""

    def gone():
        # How the candidate's process ended: (report kind, reason). One that closed its pipe but
        # lives on is ended here: the tests cannot go on without it.
        status = None
        for _ in range(2000):
            try:
                done, status = _os.waitpid(pid, _os.WNOHANG)
            except ChildProcessError:
                return "CRASH", "the program's process ended"
            if done:
                break
            status = None
            time.sleep(0.001)
        if status is None:
            return "CRASH", "the program closed its channel to the tests"
        if _os.WIFSIGNALED(status):
            signal = _os.WTERMSIG(status)
            if signal == 24:
                return "TIMEOUT", "CPU limit reached"
            if signal == 11:
                return "CRASH", "the program crashed with a segmentation fault (e.g. recursion too deep)"
            return "CRASH", "the program was killed by signal %d" % signal
        return "CRASH", "the program's process exited with status %d" % _os.WEXITSTATUS(status)

    def exchange(message):
        try:
            send(requests_write, json.dumps(message, ensure_ascii=True, allow_nan=True).encode("ascii"))
        except OSError:
            raise CandidateGone()
        data = receive(answers_read)
        if data is None:
            raise CandidateGone()
        try:
            answer = json.loads(data)
        except (ValueError, RecursionError):
            raise BadAnswer("the answer is not readable")
        if type(answer) is not dict:
            raise BadAnswer("the answer is not readable")
        return answer

    class Remote:
        """A function, class or object that lives in the candidate's process."""
        __slots__ = ("_ref",)

        def __init__(self, ref):
            object.__setattr__(self, "_ref", ref)

        def __call__(self, *args, **kwargs):
            return answer_of(exchange({"op": "call", "ref": self._ref, "args": encode(list(args)),
                                       "kwargs": [[k, encode(v)] for k, v in kwargs.items()]}))

        def __getattr__(self, name):
            if name.startswith("__"):
                raise AttributeError(name)
            return answer_of(exchange({"op": "getattr", "ref": self._ref, "name": name}))

        def __repr__(self):
            return "<the candidate's %s>" % (self._ref[1] if self._ref[0] == "n" else "object")

    def answer_of(answer):
        if "ok" in answer:
            try:
                return decode(answer["ok"], 0)
            except RecursionError:
                raise BadAnswer("the answer is nested too deeply")
        if "raise" in answer:
            name, message = answer["raise"]
            if name == "MemoryError":
                raise MemoryError(message)
            cls = getattr(builtins, str(name), None)
            if type(cls) is type and issubclass(cls, Exception) and cls.__module__ == "builtins":
                try:
                    raise cls(message)
                except TypeError:
                    pass
            raise CandidateError("%s: %s" % (name, message))
        raise BadAnswer("the answer is not readable")

    exact = {bool, int, float, str}

    def decode(value, depth):
        # Only true built-in values (and handles) come out: nothing here runs candidate code.
        if depth > 200:
            raise BadAnswer("the answer is nested too deeply")
        kind = type(value)
        if value is None or kind in exact:
            return value
        if kind is list:
            return [decode(item, depth + 1) for item in value]
        if kind is not dict or len(value) != 1:
            raise BadAnswer("the answer is not plain data")
        (tag, payload), = value.items()
        if tag == "h" and type(payload) is int:
            return Remote(["h", payload])
        if tag == "I" and type(payload) is str:
            return int(payload, 16)
        if tag == "b" and type(payload) is str:
            return payload.encode("latin-1")
        if tag == "y" and type(payload) is str:
            return bytearray(payload.encode("latin-1"))
        if tag == "D" and type(payload) is str:
            import decimal
            return decimal.Decimal(payload)
        if type(payload) is not list:
            raise BadAnswer("the answer is not plain data")
        items = [decode(item, depth + 1) for item in payload]
        if tag == "t":
            return tuple(items)
        if tag == "s":
            return set(items)
        if tag == "f":
            return frozenset(items)
        if tag == "i":
            return iter(items)
        if tag == "q":
            import collections
            return collections.deque(items)
        if tag in ("c", "r", "F"):
            if not all(type(item) in (int, float) for item in items):
                raise BadAnswer("the answer is not plain data")
            if tag == "c" and len(items) == 2:
                return complex(items[0], items[1])
            if tag == "r" and len(items) == 3 and all(type(item) is int for item in items):
                return range(*items)
            if tag == "F" and len(items) == 2 and all(type(item) is int for item in items):
                import fractions
                return fractions.Fraction(items[0], items[1])
            raise BadAnswer("the answer is not plain data")
        if tag in ("d", "C", "o"):
            if not all(type(item) is list and len(item) == 2 for item in items):
                raise BadAnswer("the answer is not plain data")
            if tag == "d":
                return {k: v for k, v in items}
            import collections
            return (collections.Counter if tag == "C" else collections.OrderedDict)((k, v) for k, v in items)
        raise BadAnswer("the answer is not plain data")

    def encode(value, depth=0):
        # The tests' arguments, as the candidate's process reads them.
        if depth > 100:
            raise Unsupported("an argument is nested too deeply")
        kind = type(value)
        if value is None or kind in exact:
            return value if kind is not int or value.bit_length() < 8000 else {"I": format(value, "x")}
        if kind is list:
            return [encode(item, depth + 1) for item in value]
        if kind is tuple:
            return {"t": [encode(item, depth + 1) for item in value]}
        if kind is dict:
            return {"d": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]}
        if kind is set or kind is frozenset:
            return {("s" if kind is set else "f"): [encode(item, depth + 1) for item in value]}
        if kind is bytes or kind is bytearray:
            return {("b" if kind is bytes else "y"): value.decode("latin-1")}
        if kind is complex:
            return {"c": [value.real, value.imag]}
        if kind is range:
            return {"r": [value.start, value.stop, value.step]}
        if kind is Remote:
            if value._ref[0] != "h":
                raise Unsupported("the tests passed one of the candidate's functions as an argument")
            return {"h": value._ref[1]}
        raise Unsupported("the tests passed a value of type %s, which cannot reach the candidate" % kind.__name__)

    def compile_or_report(source, filename, kind, what):
        try:
            return compile(source, filename, "exec")
        except BaseException as exc:
            line = getattr(exc, "lineno", None)
            report(kind, what + " does not compile" + (" (line %s)" % line if line else "") + ": " + describe(exc))

    setup_code = compile_or_report(setup, "<setup>", "BADTEST", "the setup code")
    prelude_code = compile_or_report(prelude, "<statement>", "BADTEST", "the problem statement")
    test_code = compile_or_report(test, "<test>", "BADTEST", "the test code")

    # The candidate loads its program while the judge prepares the tests' namespace.
    try:
        send(requests_write, json.dumps({"setup": setup, "program": program, "entry": entry},
                                        ensure_ascii=True).encode("ascii"))
    except OSError:
        report(*gone())

    # As in the public HumanEval harness (exec in a fresh dict): __name__ is not "__main__".
    namespace = {"__builtins__": builtins}
    try:
        exec(setup_code, namespace)
    except BaseException as exc:
        report("BADTEST", "the setup code raised " + describe(exc))

    loaded = receive(answers_read)
    if loaded is None:
        kind, reason = gone()
        report(kind, reason + " while loading" if kind == "CRASH" else reason)
    try:
        loaded = json.loads(loaded)
    except (ValueError, RecursionError):
        loaded = None
    if type(loaded) is not dict:
        report("CRASH", "the program's process answered with something unreadable")
    load_error = loaded.get("load")
    if load_error is not None:
        if type(load_error) is list and len(load_error) == 2 and load_error[0] in ("CRASH", "MEMORY") and type(load_error[1]) is str:
            report(load_error[0], load_error[1])
        report("CRASH", "the program's process answered with something unreadable")
    if type(loaded.get("names")) is not dict:
        report("CRASH", "the program's process answered with something unreadable")

    # Names of the program the tests may use (MBPP asserts call the function by name), never
    # shadowing a builtin or a name the setup code defined; modules are the judge's own imports.
    for name, description in loaded["names"].items():
        if type(name) is not str or not name.isidentifier() or name in namespace or hasattr(builtins, name):
            continue
        if type(description) is not list or not description:
            continue
        if description[0] == "module" and len(description) == 2 and type(description[1]) is str:
            try:
                namespace[name] = __import__(description[1])
                for part in description[1].split(".")[1:]:
                    namespace[name] = getattr(namespace[name], part)
            except BaseException:
                pass
        elif description[0] == "value" and len(description) == 2:
            try:
                namespace[name] = decode(description[1], 0)
            except BaseException:
                pass
        else:
            namespace[name] = Remote(["n", name])

    # The statement's own definitions (HumanEval helpers such as `poly`) are trusted: the judge's copies.
    try:
        exec(prelude_code, namespace)
    except BaseException as exc:
        report("BADTEST", "the problem statement raised " + describe(exc))

    candidate = None
    if entry:
        if loaded.get("entry") is not True:
            report("FAIL", "the entry point %r is not defined" % entry)
        candidate = Remote(["n", entry])
        namespace[entry] = candidate

    def run_tests(step):
        try:
            step()
        except CandidateGone:
            report(*gone())
        except BadAnswer as exc:
            report("FAIL", "the function answered with something that is not plain data (%s)" % exc)
        except Unsupported as exc:
            report("BADTEST", str(exc))
        except MemoryError:
            report("MEMORY", "out of memory during the tests")
        except AssertionError as exc:
            line, text = failing_line(exc, "<test>", test)
            report("FAIL", ("test line %d failed: %s" % (line, text) if line else "an assertion failed") + (" (%s)" % str(exc)[:200] if str(exc) else ""))
        except BaseException as exc:
            line, text = failing_line(exc, "<test>", test)
            report("FAIL", ("test line %d raised " % line if line else "the tests raised ") + describe(exc) + (": " + text if text else ""))

    def exec_tests():
        exec(test_code, namespace)

    run_tests(exec_tests)
    check = namespace.get("check")
    # Only a check() that the test code itself defined (HumanEval); never one of the program's.
    if entry and type(check) is type(_restem_judge) and check.__code__.co_filename == "<test>":
        def call_check():
            check(candidate)
        run_tests(call_check)
    report("PASS")


_restem_judge()
