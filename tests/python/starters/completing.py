"""Loads a student starter of resources/student/python/ and fills its TODOs with solution functions.

Instructors' and tests' only: the completed starters here (stage*_done.py) prove that each starter,
its TODOs done, passes its stage's check. The solution bodies are not copied: they are the good
servers' own functions (tests/python/mutants/good_*.py), rebound to the starter's globals so that
they read the starter's limits and raise its Refusal. Nothing here ships in the student tree
(tests/python/ is left out of it).
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


def fill(module, source, *names):
    """module.NAME = source.NAME for each name, reading module's globals (its limits, its Refusal).

    The source's helper functions that the module lacks come along, so that a solution function
    may call them (e.g. the good server's move_into_place)."""
    helpers = [name for name, value in vars(source).items() if isinstance(value, types.FunctionType)
               and value.__module__ == source.__name__ and not hasattr(module, name)]
    for name in list(names) + helpers:
        function = getattr(source, name)
        setattr(module, name, types.FunctionType(function.__code__, module.__dict__, name,
                                                 function.__defaults__, function.__closure__))
