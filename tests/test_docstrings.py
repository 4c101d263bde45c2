"""numpydoc validation of the public API (STYLE 13): every public function and class documents
its parameters and return value and has an Examples section (run by ``--doctest-modules``)."""

from __future__ import annotations

import importlib
import inspect

import pytest

numpydoc_validate = pytest.importorskip("numpydoc.validate")

#: Public modules: their ``__all__`` is the public API.
MODULES = [
    "corridor",
    "corridor.datasets",
    "corridor.errors",
    "corridor.geodesy",
    "corridor.io",
    "corridor.maps",
    "corridor.measure",
    "corridor.network",
    "corridor.places",
    "corridor.plot",
    "corridor.region",
    "corridor.route",
    "corridor.routing",
    "corridor.scenario",
]

FUNCTION_CHECKS = {"GL08", "PR01", "PR02", "RT01", "EX01"}
CLASS_CHECKS = {"GL08", "PR01", "PR02", "EX01"}
METHOD_CHECKS = {"GL08", "PR01", "PR02", "RT01"}


def _public_objects():
    seen = set()
    for modname in MODULES:
        mod = importlib.import_module(modname)
        for name in mod.__all__:
            obj = getattr(mod, name)
            if inspect.ismodule(obj) or not callable(obj):
                continue
            if isinstance(obj, type) and issubclass(obj, BaseException):
                continue  # exceptions are documented in corridor.errors' module docstring
            qual = f"{obj.__module__}.{obj.__qualname__}"
            if qual in seen:
                continue
            seen.add(qual)
            if isinstance(obj, type):
                yield qual, obj, CLASS_CHECKS
                for mname, member in vars(obj).items():
                    if mname.startswith("_") or isinstance(member, property):
                        continue
                    fn = member.__func__ if isinstance(member, (classmethod, staticmethod)) else member
                    if inspect.isfunction(fn):
                        yield f"{qual}.{mname}", getattr(obj, mname), METHOD_CHECKS
            else:
                yield qual, obj, FUNCTION_CHECKS


OBJECTS = sorted(_public_objects(), key=lambda t: t[0])


@pytest.mark.parametrize(("qual", "obj", "checks"), OBJECTS, ids=[t[0] for t in OBJECTS])
def test_numpydoc(qual, obj, checks):
    result = numpydoc_validate.validate(qual)
    errors = [f"{code}: {msg}" for code, msg in result["errors"] if code in checks]
    assert not errors, f"{qual}:\n  " + "\n  ".join(errors)


def test_public_properties_have_docstrings():
    missing = []
    for qual, obj, _ in OBJECTS:
        if isinstance(obj, type):
            for mname, member in vars(obj).items():
                if isinstance(member, property) and not mname.startswith("_") and not (member.__doc__ or "").strip():
                    missing.append(f"{qual}.{mname}")
    assert not missing
