# ReSTEM function-test harness (HumanEval, MBPP, APPS call-based). Trusted code, run inside the
# sandbox as two processes:
# - the judge (this process) reads the tests, runs them and alone decides PASS. Before it reads
#   anything secret it makes itself non-dumpable, so another process of the same uid cannot
#   read its memory (/proc/<pid>/mem), take its descriptors (/proc/<pid>/fd) or trace it
#   (ptrace and process_vm_* are also refused by the sandbox's seccomp filter);
# - the candidate, forked before the judge has read the token or the tests, drops the judge's
#   standard streams and every other descriptor, runs the setup code and the program in its
#   own interpreter and answers the judge's calls over two pipes with plain data only, in a
#   small tagged encoding of our own (no pickle or marshal, which can build arbitrary objects;
#   no json, whose import alone costs more than the rest of the judge).
# The judge rebuilds every answer as true built-in values (int, str, list, dict, ...) or as an
# opaque handle that is equal only to itself, so no object, builtin, hook or frame the
# candidate defines takes part in a comparison the tests make. Names the tests need from the
# program are bound to proxies; names the problem statement defines (HumanEval's helpers such
# as `poly`) are the judge's own trusted copies; builtins are never shadowed.
# Standard input: four sections, each a 12-digit byte length and the bytes: setup code,
# trusted prelude (the problem statement, or empty), candidate program, entry point name;
# then the token line; then one more section: the test code. The judge runs the setup code and the
# prelude, and only then forks the candidate: modules they import are loaded once for both,
# and the candidate's copy of the judge's memory holds nothing secret (no token, no tests).
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


def _restem_codec(other, handle):
    # The plain-data encoding on both pipes: a tag byte, then for numbers their text up to ';'
    # (a list of ints: the numbers joined by ',' up to ';'), for strings and bytes a length, ':'
    # and the bytes, for containers a count, ':' and the items. `other(value)` packs what is not plain data (or refuses it); `handle(n)` is what
    # a handle reference unpacks to. Unpacking builds only built-in values and handles.
    modules = _sys.modules
    limit = 1 << 62

    def pack(value):
        out = []
        put(value, out, 0)
        return b"".join(out)

    def put(value, out, depth):
        if depth > 100:
            raise ValueError("the value is nested too deeply")
        kind = type(value)
        if value is None:
            out.append(b"N")
        elif kind is bool:
            out.append(b"T" if value else b"F")
        elif kind is int:
            out.append(b"i%d;" % value if value.bit_length() < 4000 else b"x%x;" % value)
        elif kind is float:
            out.append(b"f" + repr(value).encode() + b";")
        elif kind is str or kind is bytes or kind is bytearray:
            data = value.encode("utf-8", "surrogatepass") if kind is str else bytes(value)
            out.append(b"%s%d:" % (b"s" if kind is str else b"b" if kind is bytes else b"y", len(data)))
            out.append(data)
        elif kind is list and value and all(type(item) is int and -limit < item < limit for item in value):
            # Lists of ints, the commonest answer, in one piece: unpacked at C speed.
            out.append(b"j" + b",".join([b"%d" % item for item in value]) + b";")
        elif kind is list or kind is tuple or kind is set or kind is frozenset:
            out.append(b"%s%d:" % (b"l" if kind is list else b"t" if kind is tuple else b"S" if kind is set else b"z", len(value)))
            for item in value:
                put(item, out, depth + 1)
        elif kind is dict:
            out.append(b"d%d:" % len(value))
            for key, item in value.items():
                put(key, out, depth + 1)
                put(item, out, depth + 1)
        elif kind is complex:
            out.append(b"c")
            put(value.real, out, depth)
            put(value.imag, out, depth)
        elif kind is range:
            out.append(b"r")
            for part in (value.start, value.stop, value.step):
                put(part, out, depth)
        elif not library(value, kind, out, depth):
            out.append(other(value))

    def library(value, kind, out, depth):
        collections = modules.get("collections")
        if collections is not None and kind in (collections.Counter, collections.OrderedDict, collections.defaultdict):
            out.append(b"%s%d:" % (b"C" if kind is collections.Counter else b"o" if kind is collections.OrderedDict else b"d", len(value)))
            for key, item in value.items():
                put(key, out, depth + 1)
                put(item, out, depth + 1)
            return True
        if collections is not None and kind is collections.deque:
            out.append(b"q%d:" % len(value))
            for item in value:
                put(item, out, depth + 1)
            return True
        decimal = modules.get("decimal")
        if decimal is not None and kind is decimal.Decimal:
            out.append(b"D")
            put(str(value), out, depth)
            return True
        fractions = modules.get("fractions")
        if fractions is not None and kind is fractions.Fraction:
            out.append(b"Q")
            put(value.numerator, out, depth)
            put(value.denominator, out, depth)
            return True
        return False

    def unpack(data):
        value, end = get(data, 0, 0)
        if end != len(data):
            raise ValueError("trailing bytes")
        return value

    def text(data, pos):
        end = data.index(b";", pos)
        return data[pos:end], end + 1

    def count(data, pos):
        end = data.index(b":", pos)
        n = int(data[pos:end])
        if n < 0 or n > len(data):
            raise ValueError("a bad count")
        return n, end + 1

    def typed(data, pos, depth, kinds):
        value, pos = get(data, pos, depth)
        if type(value) not in kinds:
            raise ValueError("a bad part")
        return value, pos

    def get(data, pos, depth):
        if depth > 200:
            raise ValueError("the value is nested too deeply")
        tag = data[pos:pos + 1]
        pos += 1
        if tag == b"N":
            return None, pos
        if tag == b"T" or tag == b"F":
            return tag == b"T", pos
        if tag == b"i" or tag == b"x" or tag == b"h":
            digits, pos = text(data, pos)
            number = int(digits, 16 if tag == b"x" else 10)
            return (handle(number) if tag == b"h" else number), pos
        if tag == b"f":
            digits, pos = text(data, pos)
            return float(digits), pos
        if tag == b"j":
            digits, pos = text(data, pos)
            items = [int(item) for item in digits.split(b",")]
            if any(not -limit < item < limit for item in items):
                raise ValueError("a bad number")
            return items, pos
        if tag == b"s" or tag == b"b" or tag == b"y":
            n, pos = count(data, pos)
            chunk = data[pos:pos + n]
            if len(chunk) != n:
                raise ValueError("a short string")
            value = chunk.decode("utf-8", "surrogatepass") if tag == b"s" else bytes(chunk) if tag == b"b" else bytearray(chunk)
            return value, pos + n
        if tag == b"c":
            real, pos = typed(data, pos, depth, (float,))
            imag, pos = typed(data, pos, depth, (float,))
            return complex(real, imag), pos
        if tag == b"r":
            parts = []
            for _ in range(3):
                part, pos = typed(data, pos, depth, (int,))
                parts.append(part)
            return range(*parts), pos
        if tag == b"D":
            digits, pos = typed(data, pos, depth, (str,))
            return __import__("decimal").Decimal(digits), pos
        if tag == b"Q":
            numerator, pos = typed(data, pos, depth, (int,))
            denominator, pos = typed(data, pos, depth, (int,))
            return __import__("fractions").Fraction(numerator, denominator), pos
        if tag in (b"l", b"t", b"S", b"z", b"q", b"I"):
            n, pos = count(data, pos)
            items = []
            for _ in range(n):
                item, pos = get(data, pos, depth + 1)
                items.append(item)
            if tag == b"l":
                return items, pos
            if tag == b"t":
                return tuple(items), pos
            if tag == b"S":
                return set(items), pos
            if tag == b"z":
                return frozenset(items), pos
            if tag == b"I":
                return iter(items), pos
            return __import__("collections").deque(items), pos
        if tag in (b"d", b"C", b"o"):
            n, pos = count(data, pos)
            result = {} if tag == b"d" else __import__("collections").Counter() if tag == b"C" else __import__("collections").OrderedDict()
            for _ in range(n):
                key, pos = get(data, pos, depth + 1)
                item, pos = get(data, pos, depth + 1)
                result[key] = item
            return result, pos
        raise ValueError("an unknown tag")

    return pack, unpack


def _restem_candidate(setup, program, entry, requests, answers):
    # The candidate's process: everything here is the candidate's to change; the judge trusts none of it.
    import builtins
    send, receive = _restem_frames()
    null = _os.open("/dev/null", _os.O_RDWR)
    for fd in (0, 1, 2):
        _os.dup2(null, fd)
    keep = sorted({0, 1, 2, requests, answers})
    for low, high in zip(keep, keep[1:] + [1 << 16]):
        _os.closerange(low + 1, high)
    handles = []

    def other(value):
        # Subclasses of plain types (named tuples, IntEnum) travel as their base value, iterators
        # as their items; anything else stays here and the judge gets a handle to it.
        for base in (int, float, str, bytes, tuple, list, dict, set, frozenset, complex):
            if isinstance(value, base):
                return pack(base(value))
        kind = type(value)
        if hasattr(kind, "__next__") and hasattr(kind, "__iter__"):
            items = []
            for item in value:
                items.append(item)
                if len(items) > 1000000:
                    raise ValueError("the iterator did not end")
            return b"I%d:" % len(items) + b"".join(pack(item) for item in items)
        handles.append(value)
        return b"h%d;" % (len(handles) - 1)

    pack, unpack = _restem_codec(other, handles.__getitem__)

    def reply(message):
        send(answers, pack(message))

    namespace = {"__builtins__": builtins}
    for name, source in (("<setup>", setup), ("<program>", program)):
        try:
            exec(compile(source, name, "exec"), namespace)
        except MemoryError:
            reply(("load", "MEMORY", "the program ran out of memory while loading"))
            _os._exit(0)
        except SyntaxError as exc:
            reply(("load", "CRASH", "%s does not compile (line %s): %s" % (name[1:-1], exc.lineno, describe(exc))))
            _os._exit(0)
        except SystemExit as exc:
            reply(("load", "CRASH", "the program exited (SystemExit %r) before the tests" % (exc.code,)))
            _os._exit(0)
        except BaseException as exc:
            what = "the program" if name == "<program>" else "the setup code"
            reply(("load", "CRASH", "%s raised %s%s" % (what, describe(exc), at_line(exc, name, source))))
            _os._exit(0)

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
            names[name] = ("module", value.__name__)
        elif callable(value):
            names[name] = ("callable",)
        else:
            try:
                pack(value)
                names[name] = ("value", value)
            except BaseException:
                names[name] = ("callable",)
    try:
        if entry:
            target(("n", entry))
        reachable = True
    except BaseException:
        reachable = False
    reply(("names", names, reachable))

    while True:
        message = receive(requests)
        if message is None:
            _os._exit(0)
        try:
            request = unpack(message)
            subject = target(request[1])
            if request[0] == "call":
                result = subject(*request[2], **request[3])
            else:
                result = getattr(subject, request[2])
            answer = pack(("ok", result))
        except BaseException as exc:
            try:
                answer = pack(("raise", type(exc).__name__, str(exc)[:300]))
            except BaseException:
                answer = pack(("raise", "Exception", "an exception whose text cannot be shown"))
        send(answers, answer)


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
    import time
    read = _os.read
    write = _os.write
    send, receive = _restem_frames()

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

    def section():
        return read_exact(int(read_exact(12))).decode("utf-8", "surrogateescape")

    setup, prelude, program, entry = section(), section(), section(), section()
    # Until the candidate is forked there is nothing to kill, and the token is read only when a
    # report needs it (the trusted setup code or statement failed).
    pid = None
    token = None

    def report(kind, reason=""):
        nonlocal token
        if token is None:
            token = read_line()
        if pid is not None:
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

    class Remote:
        """A function, class or object that lives in the candidate's process; equal only to itself."""
        __slots__ = ("_ref",)

        def __init__(self, ref):
            self._ref = ref

        def __call__(self, *args, **kwargs):
            return exchange(("call", self._ref, list(args), kwargs))

        def __getattr__(self, name):
            if name.startswith("__"):
                raise AttributeError(name)
            return exchange(("getattr", self._ref, name))

        def __repr__(self):
            return "<the candidate's %s>" % (self._ref[1] if self._ref[0] == "n" else "object")

    def argument(value):
        # What the tests pass the candidate: plain data, or a handle the candidate gave out.
        if type(value) is Remote and value._ref[0] == "h":
            return b"h%d;" % value._ref[1]
        if type(value) is Remote:
            raise Unsupported("the tests passed one of the candidate's functions as an argument")
        raise Unsupported("the tests passed a value of type %s, which cannot reach the candidate" % type(value).__name__)

    pack, unpack = _restem_codec(argument, lambda n: Remote(("h", n)))

    def answer(data):
        if data is None:
            raise CandidateGone()
        try:
            return unpack(data)
        except RecursionError:
            raise BadAnswer("the answer is nested too deeply")
        except (ValueError, TypeError, IndexError, UnicodeError, OverflowError, ArithmeticError) as exc:
            raise BadAnswer(describe(exc))

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

    def exchange(request):
        data = pack(request)
        try:
            send(requests_write, data)
        except OSError:
            raise CandidateGone()
        reply = answer(receive(answers_read))
        if type(reply) is tuple and len(reply) == 2 and reply[0] == "ok":
            return reply[1]
        if type(reply) is tuple and len(reply) == 3 and reply[0] == "raise" and type(reply[1]) is str and type(reply[2]) is str:
            name, message = reply[1], reply[2]
            if name == "MemoryError":
                raise MemoryError(message)
            cls = getattr(builtins, name, None)
            if type(cls) is type and issubclass(cls, Exception) and cls.__module__ == "builtins":
                try:
                    error = cls(message)
                except TypeError:
                    error = None
                if error is not None:
                    raise error
            raise CandidateError("%s: %s" % (name, message))
        raise BadAnswer("an answer of the wrong shape")

    def compile_or_report(source, filename, kind, what):
        try:
            return compile(source, filename, "exec")
        except BaseException as exc:
            line = getattr(exc, "lineno", None)
            report(kind, what + " does not compile" + (" (line %s)" % line if line else "") + ": " + describe(exc))

    setup_code = compile_or_report(setup, "<setup>", "BADTEST", "the setup code")
    prelude_code = compile_or_report(prelude, "<statement>", "BADTEST", "the problem statement")
    # As in the public HumanEval harness (exec in a fresh dict): __name__ is not "__main__".
    # The statement's own definitions (HumanEval helpers such as `poly`) are trusted: the judge's copies.
    namespace = {"__builtins__": builtins}
    for code, what in ((setup_code, "the setup code"), (prelude_code, "the problem statement")):
        try:
            exec(code, namespace)
        except BaseException as exc:
            report("BADTEST", what + " raised " + describe(exc))

    requests_read, requests_write = _os.pipe()
    answers_read, answers_write = _os.pipe()
    pid = _os.fork()
    if pid == 0:
        try:
            _os.close(requests_write)
            _os.close(answers_read)
            _restem_candidate(setup, program, entry, requests_read, answers_write)
        finally:
            _os._exit(0)
    _os.close(requests_read)
    _os.close(answers_write)

    # Secret from here on: the candidate was forked before any of it was read.
    token = read_line()
    test = section()
    test_code = compile_or_report(test, "<test>", "BADTEST", "the test code")

    try:
        loaded = answer(receive(answers_read))
    except CandidateGone:
        kind, reason = gone()
        report(kind, reason + " while loading" if kind == "CRASH" else reason)
    except BadAnswer:
        loaded = None
    if type(loaded) is tuple and len(loaded) == 3 and loaded[0] == "load" and loaded[1] in ("CRASH", "MEMORY") and type(loaded[2]) is str:
        report(loaded[1], loaded[2])
    if not (type(loaded) is tuple and len(loaded) == 3 and loaded[0] == "names" and type(loaded[1]) is dict):
        report("CRASH", "the program's process answered with something unreadable")

    # Names of the program the tests may use (MBPP asserts call the function by name), never
    # shadowing a builtin or a name the setup code or the statement defined; modules are the
    # judge's own imports.
    for name, description in loaded[1].items():
        if type(name) is not str or not name.isidentifier() or name in namespace or hasattr(builtins, name):
            continue
        if type(description) is not tuple or not description:
            continue
        if description[0] == "module" and len(description) == 2 and type(description[1]) is str:
            try:
                module = __import__(description[1])
                for part in description[1].split(".")[1:]:
                    module = getattr(module, part)
                namespace[name] = module
            except BaseException:
                pass
        elif description[0] == "value" and len(description) == 2:
            namespace[name] = description[1]
        else:
            namespace[name] = Remote(("n", name))

    candidate = None
    if entry:
        if loaded[2] is not True:
            report("FAIL", "the entry point %r is not defined" % entry)
        candidate = Remote(("n", entry))
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
