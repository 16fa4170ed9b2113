"""Compile-time rules: RestrictedPython's transformer plus what a BPM sandbox needs on top.

RestrictedPython already refuses names and attributes starting with ``_``, frame/generator
internals (``gi_frame``, ``f_globals``, ``tb_frame``, ...), ``exec``/``eval`` calls, async
code and ``nonlocal``, and routes attribute, item and iteration access through guard hooks.
On top of that this policy

* refuses ``import``, ``class``, ``with``, ``finally`` and bare ``except:`` (the last two could
  run or swallow code while the watchdog is stopping the script; the others have no use in a
  process script and widen the surface), and ``.format``/``.format_map`` (format strings can
  walk attributes; f-strings are compiled and checked like any other code);
* rewrites ``**``, ``*``, ``<<``, ``+``, ``%``, f-string fields, starred expansions and
  starred literals into calls to the size guards in ``guards.py``;
* supports ``d[k] += v`` (RestrictedPython refuses augmented item assignment) by rewriting
  it into a guarded read and a guarded write.
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from types import CodeType
from typing import Any, Literal

from RestrictedPython.transformer import IOPERATOR_TO_STR, RestrictingNodeTransformer

from workflows.engine.sandbox.errors import FILENAME, ScriptError

MAX_SOURCE_CHARS = 100_000
_GUARDED_OPERATORS = {ast.Pow: "**", ast.Mult: "*", ast.LShift: "<<", ast.Add: "+",
                      ast.Mod: "%"}
_REFUSED_ATTRIBUTES = frozenset({"format", "format_map"})
_SMALL_LITERAL = 64  # bulk.MAX_SAME_HASH: a literal this small cannot collide badly
_ERROR_LINE = re.compile(r"^Line (\d+|None): (.*)$", re.DOTALL)


def _call(function: str, args: list[ast.expr], like: ast.AST) -> ast.Call:
    call = ast.Call(func=ast.Name(function, ast.Load()), args=args, keywords=[])
    ast.copy_location(call, like)
    return ast.fix_missing_locations(call)


class SandboxPolicy(RestrictingNodeTransformer):
    """RestrictedPython's node transformer with the extra rules listed in the module doc."""

    def _refuse(self, node: ast.AST, message: str) -> None:
        self.error(node, message)

    def visit_Import(self, node: ast.Import) -> Any:
        self._refuse(node, "import statements are not allowed; the allowed names (datetime, "
                           "date, timedelta, Decimal) are available without import.")

    visit_ImportFrom = visit_Import  # type: ignore[assignment]

    def visit_ClassDef(self, node: ast.ClassDef) -> Any:
        self._refuse(node, "class definitions are not allowed.")

    def visit_With(self, node: ast.With) -> Any:
        self._refuse(node, '"with" statements are not allowed.')

    def visit_Try(self, node: ast.Try) -> Any:
        if node.finalbody:
            self._refuse(node, '"finally" blocks are not allowed.')
        for handler in node.handlers:
            if handler.type is None:
                self._refuse(handler, 'a bare "except:" is not allowed; write '
                                      '"except Exception:".')
        return self.node_contents_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> Any:
        if node.attr in _REFUSED_ATTRIBUTES:
            self._refuse(node, f'"{node.attr}" is not allowed; use an f-string instead.')
        return super().visit_Attribute(node)

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        node = self.node_contents_visit(node)
        symbol = _GUARDED_OPERATORS.get(type(node.op))
        if symbol is None:
            return node
        return _call("_binop_", [ast.Constant(symbol), node.left, node.right], node)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> Any:
        return _call("_sized_", [self.node_contents_visit(node)], node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> Any:
        node = self.node_contents_visit(node)
        spec = node.format_spec if node.format_spec is not None else ast.Constant("")
        node.value = _call("_format_", [node.value, ast.Constant(node.conversion), spec],
                           node.value)
        node.conversion, node.format_spec = -1, None
        return node

    def visit_Starred(self, node: ast.Starred) -> Any:
        # [*x], (*x,), f(*x) expand in C: bound x first (range(10**12) would pre-size a list).
        node = self.node_contents_visit(node)
        if isinstance(node.ctx, ast.Load):
            node.value = _call("_bounded_", [node.value], node.value)
        return node

    def _starred_literal(self, node: ast.List | ast.Tuple | ast.Set) -> Any:
        node = self.node_contents_visit(node)
        loading = isinstance(getattr(node, "ctx", ast.Load()), ast.Load)
        if loading and any(isinstance(item, ast.Starred) for item in node.elts):
            return _call("_sized_", [node], node)
        return node

    visit_List = visit_Tuple = _starred_literal

    # Sets and dicts hash every value inside one C call: built through the collision-safe
    # builders of ``bulk.py`` when large or computed (a comprehension's loop stays Python).
    def visit_Set(self, node: ast.Set) -> Any:
        node = self.node_contents_visit(node)
        if len(node.elts) <= _SMALL_LITERAL and not any(
                isinstance(item, ast.Starred) for item in node.elts):
            return node
        items = _call("_sized_", [ast.List(elts=node.elts, ctx=ast.Load())], node)
        return _call("_set_", [items], node)

    def visit_Dict(self, node: ast.Dict) -> Any:
        node = self.node_contents_visit(node)
        if len(node.keys) <= _SMALL_LITERAL or any(key is None for key in node.keys):
            return node
        pairs = ast.List(elts=[ast.Tuple(elts=[key, value], ctx=ast.Load())
                               for key, value in zip(node.keys, node.values, strict=True)
                               if key is not None], ctx=ast.Load())
        return _call("_dictcomp_", [pairs], node)

    def visit_SetComp(self, node: ast.SetComp) -> Any:
        visited = super().visit_SetComp(node)
        assert isinstance(visited, ast.SetComp)
        generator = ast.GeneratorExp(elt=visited.elt, generators=visited.generators)
        return _call("_set_", [generator], visited)

    def visit_DictComp(self, node: ast.DictComp) -> Any:
        visited = super().visit_DictComp(node)
        assert isinstance(visited, ast.DictComp)
        pair = ast.Tuple(elts=[visited.key, visited.value], ctx=ast.Load())
        generator = ast.GeneratorExp(elt=pair, generators=visited.generators)
        return _call("_dictcomp_", [generator], visited)

    def visit_AugAssign(self, node: ast.AugAssign) -> Any:
        target = node.target
        if not isinstance(target, ast.Subscript) or isinstance(target.slice, ast.Slice):
            return super().visit_AugAssign(node)
        # d[k] += v  ->  _a = d; _b = k; _write_(_a)[_b] = _inplacevar_('+=', _a[_b], v)
        holder, key = self.gen_tmp_name(), self.gen_tmp_name()
        value = self.visit(node.value)
        operator = ast.Constant(IOPERATOR_TO_STR[type(node.op)])
        current = _call("_getitem_", [ast.Name(holder, ast.Load()), ast.Name(key, ast.Load())],
                        node)
        store = ast.Subscript(value=_call("_write_", [ast.Name(holder, ast.Load())], node),
                              slice=ast.Name(key, ast.Load()), ctx=ast.Store())
        statements = [
            ast.Assign([ast.Name(holder, ast.Store())], self.visit(target.value)),
            ast.Assign([ast.Name(key, ast.Store())], self.visit(target.slice)),
            ast.Assign([store], _call("_inplacevar_", [operator, current, value], node))]
        for statement in statements:
            ast.copy_location(statement, node)
            ast.fix_missing_locations(statement)
        return statements


def _first_error(errors: list[str]) -> ScriptError:
    match = _ERROR_LINE.match(errors[0])
    line, message = (match.group(1), match.group(2)) if match else (None, errors[0])
    message = message[0].upper() + message[1:] if message else "This construct is not allowed."
    return ScriptError("forbidden", message, int(line) if line and line.isdigit() else None)


@lru_cache(maxsize=1024)
def compile_source(source: str, mode: Literal["eval", "exec"]) -> CodeType:
    """Parse, check and transform ``source``; ScriptError("syntax"/"forbidden") if refused.

    Cached: gateways and DMN tables evaluate the same few expressions over and over.
    """
    if len(source) > MAX_SOURCE_CHARS:
        raise ScriptError("resource", f"The code is longer than {MAX_SOURCE_CHARS:,} "
                                      "characters.")
    try:
        tree = ast.parse(source, FILENAME, mode)
        errors: list[str] = []
        tree = SandboxPolicy(errors, [], {}).visit(tree)
        if errors:
            raise _first_error(errors)
        return compile(tree, FILENAME, mode)
    except SyntaxError as error:  # also "'return' outside function", found by compile()
        raise ScriptError("syntax", f"Syntax error: {error.msg}.", error.lineno) from None
    except (RecursionError, MemoryError):
        raise ScriptError("resource", "The code is nested too deeply.") from None
    except ValueError:  # e.g. a NUL character in the source
        raise ScriptError("syntax", "The code contains characters that are not allowed.") \
            from None
