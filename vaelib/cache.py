"""``fit_once``: ``model.fit`` that reuses an identical earlier run, when asked to.

Chapters 4 and 5 explore the VAE that chapter 3 trains: the same architecture, seed,
data, optimiser and ``fit`` arguments. Training it again in each chapter keeps every
notebook runnable on its own (as on Colab) but costs the book build and the tests the
same training three times. ``fit_once(model, ...)`` is ``model.fit(...)`` with a memory:

- Only when the environment variable ``VAELIB_FIT_CACHE`` names a folder (the book's CI
  sets it to a fresh, empty folder for each build and each test run). Otherwise it is
  exactly ``model.fit`` and nothing is written anywhere: a reader's own runs always
  train.
- A run is reused only when everything that decides its result is the same: the Keras
  version and backend, the model's class, configuration and every starting variable
  (weights and random-generator states), the code of the model's class and of the
  functions it and its loss call, the optimiser's configuration, the data (hashed
  bytes) and every ``fit`` argument. A change to any of them trains afresh. So a stale
  file can never change a page's numbers.
- Reusing a run restores every variable of the model (including the sampling layer's
  random-generator state) and of its optimiser, and returns a ``History`` holding the
  saved per-epoch logs; afterwards the global random seeds are set from the run's key
  whether it trained or not, so what follows is the same either way.
"""

from __future__ import annotations

import ast
import dis
import hashlib
import inspect
import json
import os
import textwrap
import types
from pathlib import Path

import keras
import numpy as np

ENV = "VAELIB_FIT_CACHE"

__all__ = ["ENV", "fit_once", "run_key", "run_parts"]


def _code_digest(obj, h, seen: set[int]) -> None:
    """Feed the bytecode of a function/class (and what it calls by name) into ``h``."""
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, type):
        h.update(obj.__qualname__.encode())
        for name in sorted(vars(obj)):
            member = vars(obj)[name]
            if isinstance(member, (staticmethod, classmethod)):
                member = member.__func__
            if isinstance(member, types.FunctionType):
                h.update(name.encode())
                _code_digest(member, h, seen)
        return
    if not isinstance(obj, types.FunctionType):
        return
    module = getattr(obj, "__module__", "") or ""
    if module.split(".")[0] in ("keras", "numpy", "builtins"):
        h.update(f"{module}.{obj.__qualname__}".encode())
        return
    try:  # the source's syntax tree: the same for a notebook cell and its export
        tree = ast.parse(textwrap.dedent(inspect.getsource(obj)))
        h.update(ast.dump(tree).encode())
    except (OSError, TypeError, SyntaxError):  # no source to read: the bytecode
        _hash_code(obj.__code__, h)
    for name in sorted(_global_names(obj.__code__)):  # what it calls by name
        value = obj.__globals__.get(name)
        if isinstance(value, (types.FunctionType, type)) and not (
            getattr(value, "__module__", "") or ""
        ).startswith(("keras", "numpy", "builtins")):
            _code_digest(value, h, seen)


def _global_names(code: types.CodeType) -> set[str]:
    """The global names a code object (and the code nested in it) reads.

    Not ``co_names``, which also holds attribute names: ``self.encoder`` must not bring
    in a notebook's global function that happens to be called ``encoder``.
    """
    names = {
        ins.argval
        for ins in dis.get_instructions(code)
        if ins.opname in ("LOAD_GLOBAL", "LOAD_NAME")
    }
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return names


def _hash_code(code: types.CodeType, h) -> None:
    h.update(code.co_code)
    h.update(repr(code.co_names).encode())
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            _hash_code(const, h)
        else:
            h.update(repr(const).encode())


def _hash_data(value, h, memo: dict[int, bytes]) -> None:
    if value is None:
        h.update(b"None")
    elif isinstance(value, (list, tuple)):
        h.update(f"{type(value).__name__}{len(value)}".encode())
        for item in value:
            _hash_data(item, h, memo)
    elif isinstance(value, dict):
        for key in sorted(value):
            h.update(str(key).encode())
            _hash_data(value[key], h, memo)
    elif hasattr(value, "shape") and hasattr(value, "dtype"):
        # the same array passed twice (fit(x, x), validation_data=(x, x)) is read once
        if id(value) not in memo:
            array = np.ascontiguousarray(keras.ops.convert_to_numpy(value))
            head = f"{array.dtype}{array.shape}".encode()
            # SHA-256 straight from the array's memory: no copy of its bytes, and on
            # CPUs with SHA instructions twice as fast as BLAKE2 (60,000 images, 0.1 s)
            memo[id(value)] = (
                head + hashlib.sha256(array.reshape(-1).view(np.uint8)).digest()
            )
        h.update(memo[id(value)])
    elif isinstance(value, (bool, int, float, str)):
        h.update(repr(value).encode())
    else:
        raise TypeError(
            f"fit_once can only hash arrays, numbers, strings and lists/dicts of them; "
            f"got {type(value).__name__}"
        )


def _canonical(config):
    """``config`` with layer, model and optimizer names replaced by their order.

    Keras numbers names automatically (``dense_3``, ``rm_sprop_1``) by how many objects
    the process made before; names do not change what training computes. Modules are
    dropped too: a class defined in a notebook and the same class exported to vaelib
    differ only in their module, and their code is hashed separately.
    """
    names: dict[str, str] = {}

    def collect(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "name" and isinstance(item, str):
                    names.setdefault(item, f"name{len(names)}")
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    def rename(value):
        if isinstance(value, dict):  # "module": a class from a notebook is __main__'s
            return {k: rename(v) for k, v in value.items() if k != "module"}
        if isinstance(value, list):
            return [rename(item) for item in value]
        if isinstance(value, str):
            return names.get(value, value)
        return value

    collect(config)
    return json.dumps(rename(config), sort_keys=True, default=repr)


def run_parts(model, x, y=None, **fit_kwargs) -> dict[str, str]:
    """A digest of each thing that decides a training run (see the module's docstring).

    Saved beside each run, so that two runs that should have matched can be compared.
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    if getattr(model, "optimizer", None) is None:
        raise ValueError("compile the model before fit_once")
    if not model.variables:
        raise ValueError("build the model (call it on a batch) before fit_once")

    def digest(feed) -> str:
        h = hashlib.blake2b(digest_size=16)
        feed(h)
        return h.hexdigest()

    def variables(h):
        for variable in model.variables:
            h.update(f"{variable.dtype}{tuple(variable.shape)}".encode())
            array = keras.ops.convert_to_numpy(variable)
            h.update(np.ascontiguousarray(array).tobytes())

    def code(h):
        seen: set[int] = set()
        _code_digest(type(model), h, seen)
        for layer in model._flatten_layers():
            if type(layer).__module__.split(".")[0] != "keras":
                _code_digest(type(layer), h, seen)
        loss = getattr(model, "loss", None)
        if isinstance(loss, types.FunctionType):
            _code_digest(loss, h, seen)
        elif loss is not None:
            h.update(repr(loss).encode())

    memo: dict[int, bytes] = {}  # array digests, by object, for this call only

    def arguments(h):
        for name in sorted(fit_kwargs):
            if name in ("verbose", "callbacks"):
                continue  # they do not change the result
            h.update(name.encode())
            _hash_data(fit_kwargs[name], h, memo)

    return {
        "keras": f"{keras.__version__} {keras.backend.backend()}",
        "class": type(model).__qualname__,
        "config": digest(lambda h: h.update(_canonical(model.get_config()).encode())),
        "optimizer": digest(
            lambda h: h.update(_canonical(model.optimizer.get_config()).encode())
        ),
        "variables": digest(variables),
        "code": digest(code),
        "x": digest(lambda h: _hash_data(x, h, memo)),
        "y": digest(lambda h: _hash_data(y, h, memo)),
        "fit": digest(arguments),
    }


def run_key(model, x, y=None, **fit_kwargs) -> str:
    """The hex digest that identifies a training run (see the module's docstring)."""
    return _key(run_parts(model, x, y, **fit_kwargs))


def _key(parts: dict[str, str]) -> str:
    return hashlib.blake2b(
        json.dumps(parts, sort_keys=True).encode(), digest_size=16
    ).hexdigest()


def fit_once(model, x, y=None, **fit_kwargs):
    """``model.fit(x, y, **fit_kwargs)``, or the identical earlier run if one is saved.

    See the module's docstring for when a run is reused. Returns a
    ``keras.callbacks.History`` whose ``history`` holds the per-epoch logs.
    """
    folder = os.environ.get(ENV, "").strip()
    if not folder:
        return model.fit(x, y, **fit_kwargs)
    if fit_kwargs.get("callbacks"):
        raise ValueError(
            "fit_once cannot reuse runs that use callbacks; call model.fit instead"
        )
    parts = run_parts(model, x, y, **fit_kwargs)
    key = _key(parts)
    path = Path(folder) / f"{key}.npz"
    variables = list(model.variables)
    if path.is_file():
        with np.load(path, allow_pickle=False) as saved:
            for i, variable in enumerate(variables):
                variable.assign(saved[f"model_{i}"])
            optimizer = model.optimizer
            if not optimizer.built:
                optimizer.build(model.trainable_variables)
            for i, variable in enumerate(optimizer.variables):
                variable.assign(saved[f"optimizer_{i}"])
            logs = json.loads(str(saved["history"]))
        history = keras.callbacks.History()
        history.set_model(model)
        history.history = logs
        history.epoch = list(range(len(next(iter(logs.values()), []))))
    else:
        history = model.fit(x, y, **fit_kwargs)
        arrays = {
            f"model_{i}": keras.ops.convert_to_numpy(v) for i, v in enumerate(variables)
        }
        for i, variable in enumerate(model.optimizer.variables):
            arrays[f"optimizer_{i}"] = keras.ops.convert_to_numpy(variable)
        logs = {k: [float(v) for v in values] for k, values in history.history.items()}
        arrays["history"] = np.array(json.dumps(logs))
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{key}.{os.getpid()}.npz")
        np.savez(partial, **arrays)
        partial.replace(path)
        path.with_suffix(".json").write_text(json.dumps(parts, indent=1) + "\n")
    keras.utils.set_random_seed(int(key[:8], 16) % (2**31))
    return history
