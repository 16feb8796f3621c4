"""Kernel-side guard: restore IPython's hooks and libraries' assert helpers before each test.

Learner code runs in the same interpreter as the tests, so an adversary can patch what decides
pass or fail (``showtraceback``, ``set_custom_exc``, input transformers, events,
``numpy.testing.assert_*``...). It cannot be fully stopped in-process; this is one layer: a
snapshot of the pristine objects taken before any learner code runs, and a guard run silently
before every test cell that puts them back and reports what it had to repair. The other layers
are the engine's (a failed ``execute_reply`` is a failure even without an error output) and the
static scan in :mod:`kit.grading.tamper`.

Both pieces are sent as ``user_expressions`` of an empty execute request, which IPython
evaluates without passing through input transformers or cell events that a learner can hook.
"""

from __future__ import annotations

__all__ = ["SNAPSHOT_EXPRESSION", "GUARD_EXPRESSION", "WATCHED_PACKAGES"]

# Packages whose public ``assert*`` helpers are restored (and only those).
WATCHED_PACKAGES = ("numpy", "pandas", "kit")

_SNAPSHOT = r"""
import sys as _sys, types as _types, builtins as _builtins
_ip = get_ipython()
_store = _types.ModuleType("_kit_guard_store")
_store.shell = _ip
_store.shell_class_attrs = {}
for _klass in type(_ip).__mro__:
    for _name, _value in vars(_klass).items():
        if callable(_value) and _name not in _store.shell_class_attrs:
            _store.shell_class_attrs[_name] = (_klass, _value)
_store.instance_attrs = {n: v for n, v in vars(_ip).items() if n in _store.shell_class_attrs}
_store.custom_exc = (_ip.custom_exceptions, getattr(_ip, "CustomTB", None))
_store.builtins = dict(vars(_builtins))
_store.sys_hooks = {n: getattr(_sys, n) for n in
                    ("stdout", "stderr", "displayhook", "excepthook", "settrace", "setprofile")}
_store.transformers = {
    "input_transformers_post": list(_ip.input_transformers_post),
    "input_transformers_cleanup": list(_ip.input_transformer_manager.cleanup_transforms),
    "line_transforms": list(_ip.input_transformer_manager.line_transforms),
    "token_transformers": list(_ip.input_transformer_manager.token_transformers),
    "ast_transformers": list(_ip.ast_transformers),
}
_store.events = {k: list(v) for k, v in _ip.events.callbacks.items()}
_store.helpers = {}
_sys.modules["_kit_guard_store"] = _store
del _sys, _types, _builtins, _ip, _store, _klass, _name, _value
"""

_GUARD = r"""
def _kit_guard(watched):
    import sys
    store = sys.modules.get("_kit_guard_store")
    if store is None:
        return "guard_missing"
    ip = store.shell
    repaired = []
    for name in list(vars(ip)):
        if name in store.shell_class_attrs and name not in store.instance_attrs:
            del ip.__dict__[name]
            repaired.append("shell." + name)
    for name, value in store.instance_attrs.items():
        if vars(ip).get(name) is not value:
            ip.__dict__[name] = value
            repaired.append("shell." + name)
    for name, (klass, value) in store.shell_class_attrs.items():
        if vars(klass).get(name) is not value:
            setattr(klass, name, value)
            repaired.append("shell_class." + name)
    if (ip.custom_exceptions, getattr(ip, "CustomTB", None)) != store.custom_exc:
        ip.custom_exceptions, ip.CustomTB = store.custom_exc
        repaired.append("set_custom_exc")
    manager = ip.input_transformer_manager
    pairs = (
        ("input_transformers_post", ip, "input_transformers_post"),
        ("input_transformers_cleanup", manager, "cleanup_transforms"),
        ("line_transforms", manager, "line_transforms"),
        ("token_transformers", manager, "token_transformers"),
        ("ast_transformers", ip, "ast_transformers"),
    )
    for key, owner, attribute in pairs:
        if list(getattr(owner, attribute)) != store.transformers[key]:
            setattr(owner, attribute, list(store.transformers[key]))
            repaired.append(key)
    if {k: list(v) for k, v in ip.events.callbacks.items()} != store.events:
        for key in list(ip.events.callbacks):
            ip.events.callbacks[key] = list(store.events.get(key, []))
        repaired.append("events")
    import builtins
    for name, value in store.builtins.items():
        if vars(builtins).get(name, None) is not value:
            setattr(builtins, name, value)
            repaired.append("builtins." + name)
    for name, value in store.sys_hooks.items():
        if getattr(sys, name) is not value:
            setattr(sys, name, value)
            repaired.append("sys." + name)
    sys.settrace(None)
    sys.setprofile(None)
    for module_name, module in list(sys.modules.items()):
        root = module_name.split(".")[0]
        if root not in watched or module is None:
            continue
        for name, value in list(vars(module).items()):
            if not name.startswith("assert") or not callable(value):
                continue
            key = (module_name, name)
            origin = getattr(value, "__module__", None) or ""
            pristine = origin.split(".")[0] == root
            if key not in store.helpers and pristine:
                store.helpers[key] = value
            elif key in store.helpers and value is not store.helpers[key]:
                setattr(module, name, store.helpers[key])
                repaired.append(module_name + "." + name)
            elif key not in store.helpers and not pristine:
                for other in list(sys.modules.values()):
                    candidate = getattr(other, name, None)
                    if (getattr(other, "__name__", "").split(".")[0] == root
                            and callable(candidate)
                            and (getattr(candidate, "__module__", "") or "").split(".")[0] == root):
                        setattr(module, name, candidate)
                        store.helpers[key] = candidate
                        break
                repaired.append(module_name + "." + name)
    return ",".join(repaired)
"""


def _expression(code: str, call: str) -> str:
    # One expression that runs ``code`` in a fresh namespace (learner globals are not consulted
    # for any name it uses, except get_ipython which the snapshot needs once, before learners).
    return (
        "(lambda __g: (exec(" + repr(code) + ", __g), " + call + ")[1])"
        "({'__builtins__': __import__('builtins'), 'get_ipython': get_ipython})"
    )


SNAPSHOT_EXPRESSION = _expression(_SNAPSHOT, "'ok'")
GUARD_EXPRESSION = _expression(_GUARD, "__g['_kit_guard'](" + repr(WATCHED_PACKAGES) + ")")
