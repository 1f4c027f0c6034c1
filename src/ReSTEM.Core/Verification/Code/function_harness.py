# ReSTEM function-test harness (HumanEval / MBPP style). Trusted code: it runs inside the
# sandbox around the candidate program and is the only thing that may print the run's token.
# Standard input: the token line, then five sections, each a 12-digit byte length and the
# bytes: setup code, candidate program, test code, entry point name, options.
# Standard output: the candidate's own output, plus exactly one line "\n<token> <KIND> <reason>"
# where KIND is PASS, FAIL, CRASH, MEMORY or BADTEST. PASS is written only after every test ran.
import os as _os
import sys as _sys


def _restem_harness():
    read = _os.read
    write = _os.write
    exit_now = _os._exit
    settrace = _sys.settrace
    setprofile = _sys.setprofile
    builtin_type = type
    builtin_isinstance = isinstance
    builtin_len = len
    function_type = builtin_type(_restem_harness)
    BaseExc = BaseException

    def read_exact(n):
        parts = []
        got = 0
        while got < n:
            chunk = read(0, n - got)
            if not chunk:
                exit_now(87)
            parts.append(chunk)
            got += builtin_len(chunk)
        return b"".join(parts)

    def read_line():
        line = b""
        while not line.endswith(b"\n"):
            chunk = read(0, 1)
            if not chunk:
                exit_now(87)
            line += chunk
        return line[:-1]

    token = read_line()

    def section():
        return read_exact(int(read_exact(12))).decode("utf-8", "surrogateescape")

    setup, program, test, entry, options = section(), section(), section(), section(), section()
    strict_types = "strict-return-types" in options.split()

    def report(kind, reason=""):
        text = " ".join(str(reason).split("\n"))[:1500]
        data = b"\n" + token + b" " + kind.encode() + b" " + text.encode("utf-8", "replace") + b"\n"
        view = memoryview(data)
        while view:
            view = view[write(1, view):]
        exit_now(0)

    def failing_line(exc, filename, source):
        # The innermost frame of the traceback that belongs to `filename`.
        tb = exc.__traceback__
        line = None
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == filename:
                line = tb.tb_lineno
            tb = tb.tb_next
        if line is None:
            return None, ""
        lines = source.splitlines()
        text = lines[line - 1].strip() if 0 < line <= builtin_len(lines) else ""
        return line, text

    def describe(exc):
        message = str(exc)
        name = builtin_type(exc).__name__
        return name + (": " + message[:300] if message else "")

    def compile_or_report(source, filename, kind, what):
        try:
            return compile(source, filename, "exec")
        except BaseExc as exc:
            line = getattr(exc, "lineno", None)
            report(kind, what + " does not compile" + (" (line %s)" % line if line else "") + ": " + describe(exc))

    setup_code = compile_or_report(setup, "<setup>", "BADTEST", "the setup code")
    program_code = compile_or_report(program, "<program>", "CRASH", "the program")
    test_code = compile_or_report(test, "<test>", "BADTEST", "the test code")
    # As in the public HumanEval harness (exec in an empty dict): __name__ is not "__main__",
    # so a program's own `if __name__ == "__main__":` block (often a demo reading input) does not run.
    namespace = {"__builtins__": __builtins__}

    try:
        exec(setup_code, namespace)
    except BaseExc as exc:
        report("BADTEST", "the setup code raised " + describe(exc))

    try:
        exec(program_code, namespace)
    except MemoryError:
        report("MEMORY", "the program ran out of memory while loading")
    except SystemExit as exc:
        report("CRASH", "the program exited (SystemExit %r) before the tests" % (exc.code,))
    except BaseExc as exc:
        line, text = failing_line(exc, "<program>", program)
        report("CRASH", "the program raised " + describe(exc) + (" at line %d: %s" % (line, text) if line else ""))

    # A tracer or profiler left by the program could skip or rewrite test lines.
    settrace(None)
    setprofile(None)
    threading = _sys.modules.get("threading")
    if threading is not None:
        try:
            threading.settrace(None)
            threading.setprofile(None)
        except BaseExc:
            pass

    allowed = {int, float, complex, bool, str, bytes, bytearray, builtin_type(None), list, tuple, dict, set,
               frozenset, range, builtin_type(Ellipsis), slice}

    class ForeignResult(Exception):
        pass

    def known_library_type(t):
        for module_name, names in (("collections", ("OrderedDict", "defaultdict", "Counter", "deque")),
                                   ("decimal", ("Decimal",)), ("fractions", ("Fraction",))):
            module = _sys.modules.get(module_name)
            if module is not None and any(getattr(module, n, None) is t for n in names):
                return True
        return False

    def check_value(value, budget):
        # Rejects results whose type (or whose elements' types) the program defined or that
        # override equality: an object equal to everything would pass any assert.
        budget[0] -= 1
        if budget[0] < 0:
            return
        t = builtin_type(value)
        if t not in allowed and not known_library_type(t):
            base = next((b for b in t.__mro__[1:] if b in allowed), None)
            if base is None or t.__eq__ is not base.__eq__ or t.__ne__ is not base.__ne__:
                raise ForeignResult(t.__name__)
        if builtin_isinstance(value, (list, tuple, set, frozenset)):
            for item in value:
                check_value(item, budget)
        elif builtin_isinstance(value, dict):
            for key, item in value.items():
                check_value(key, budget)
                check_value(item, budget)

    def guard(fn):
        def guarded(*args, **kwargs):
            result = fn(*args, **kwargs)
            check_value(result, [100000])
            return result
        for attribute in ("__name__", "__qualname__", "__doc__", "__module__"):
            try:
                setattr(guarded, attribute, getattr(fn, attribute))
            except BaseExc:
                pass
        guarded.__wrapped__ = fn
        return guarded

    candidate = None
    if entry:
        candidate = namespace.get(entry)
        if candidate is None:
            report("FAIL", "the entry point %r is not defined" % entry)
        if strict_types and builtin_type(candidate) is function_type:
            candidate = guard(candidate)
            # Tests that call the function by name (MBPP asserts) get the guarded one too.
            namespace[entry] = candidate

    def run_tests(step):
        try:
            step()
        except ForeignResult as exc:
            report("FAIL", "the function returned a value of type %s (only built-in result types are accepted)" % exc)
        except MemoryError:
            report("MEMORY", "out of memory during the tests")
        except AssertionError as exc:
            line, text = failing_line(exc, "<test>", test)
            report("FAIL", ("test line %d failed: %s" % (line, text) if line else "an assertion failed") + (" (%s)" % str(exc)[:200] if str(exc) else ""))
        except SystemExit as exc:
            line, text = failing_line(exc, "<test>", test)
            report("FAIL", "the program exited (SystemExit %r) during the tests" % (exc.code,) + (" at test line %d: %s" % (line, text) if line else ""))
        except BaseExc as exc:
            line, text = failing_line(exc, "<test>", test)
            report("FAIL", ("test line %d raised " % line if line else "the tests raised ") + describe(exc) + (": " + text if text else ""))

    def exec_tests():
        exec(test_code, namespace)

    run_tests(exec_tests)
    check = namespace.get("check")
    # Only a check() that the test code itself defined (HumanEval); never one of the program's.
    if entry and builtin_type(check) is function_type and check.__code__.co_filename == "<test>":
        def call_check():
            check(candidate)
        run_tests(call_check)
    report("PASS")


_restem_harness()
