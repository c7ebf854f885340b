"""Builds programs from the student starters of resources/student/python/: a starter with its TODOs filled.

Instructors' and tests' only; nothing here ships in the student tree (tests/python/ is left out of it).
Two ways, one per kind of program:
- run_starter: the good programs of tests/python/mutants (good_upload_server.py, good_ranged_server.py)
  run a starter's code in their own module, then define its TODO functions, the solution, once. A
  known-bad mutant that replaces one function of the good program (server.block_size = ...) thereby
  changes what the server itself calls.
- starter + fill: the completed starters here (stage*_done.py) prove that each starter, its TODOs
  done, passes its stage's check. They load the starter as a module and rebind solution functions
  (a good program's, or their own) to its globals, so that they read the starter's limits and raise
  its Refusal.
"""
import importlib.util
import os
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))
KIT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
STARTERS = os.path.join(KIT, "resources", "student", "python")
MUTANTS = os.path.join(HERE, "..", "mutants")


def load(path, name):
    """The module at path, registered as name (a starter that loads another by name finds this one)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def starter(stage, program):
    return load(os.path.join(STARTERS, stage, program), f"{stage}_{program[:-3]}")


def solution(program):
    return load(os.path.join(MUTANTS, program), program[:-3])


def run_starter(stage, program, namespace):
    """Runs the starter's code in namespace (a module's globals()): its functions become that module's.

    Under the starter's own __name__, so that its `if __name__ == "__main__"` does not start it."""
    path = os.path.join(STARTERS, stage, program)
    with open(path, encoding="utf-8") as source:
        code = compile(source.read(), path, "exec")
    name = namespace["__name__"]
    namespace["__name__"] = f"{stage}_{program[:-3]}"
    try:
        exec(code, namespace)  # noqa: S102 -- the kit's own starter, as `import` would run it
    finally:
        namespace["__name__"] = name


def fill(module, source, *names):
    """module.NAME = source.NAME for each name, reading module's globals (its limits, its Refusal)."""
    for name in names:
        function = getattr(source, name)
        setattr(module, name, types.FunctionType(function.__code__, module.__dict__, name,
                                                 function.__defaults__, function.__closure__))
