"""Turn an uploaded bundle (BPMN + DMN + JSON form schemas) into a validated, parsed definition.

Every problem is reported with the file, element id and line where they are known, so an
administrator can fix the diagram; nothing here touches the database.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser, SpiffProcessParser

from workflows.core.errors import InvalidDefinition, Problem
from workflows.engine.diagram_limits import diagram_problems, element_lines
from workflows.engine.dmn_checks import dmn_problems
from workflows.engine.problem_texts import refusal_in_chinese
from workflows.engine.spec_checks import check_spec
from workflows.engine.task_meta import extract_task_meta
from workflows.engine.xml_safety import UnsafeXml, parse_xml

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
# lxml's XMLSchema keeps one error log per schema object: validate one bundle at a time.
_VALIDATOR_LOCK = threading.Lock()


@dataclass
class ParsedBundle:
    """A parsed definition: engine specs plus what certflow extracted for its own tables."""

    process_id: str
    name: str
    bpmn_file: str
    spec: BpmnProcessSpec
    subprocess_specs: dict[str, BpmnProcessSpec]
    task_meta: dict[str, dict[str, Any]]
    files: dict[str, str]
    content_hash: str
    forms: dict[str, dict[str, Any]] = field(default_factory=dict)


def content_hash(files: dict[str, str]) -> str:
    """Hash over file names and contents, independent of upload order."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update(hashlib.sha256(files[name].encode()).digest())
    return digest.hexdigest()


def parse_bundle(raw_files: dict[str, bytes], *, process_id: str | None = None,
                 known_groups: Collection[str] | None = None) -> ParsedBundle:
    """Validate and parse a bundle; raise ``InvalidDefinition`` listing every problem found,
    in Chinese (with the English wording kept, ``problem_texts.py``). With ``known_groups``,
    lanes and candidate groups must name one of them."""
    try:
        return _parse_bundle(raw_files, process_id, known_groups)
    except InvalidDefinition as error:
        raise refusal_in_chinese(error) from error


def _parse_bundle(raw_files: dict[str, bytes], process_id: str | None,
                  known_groups: Collection[str] | None) -> ParsedBundle:
    files, xml_roots, forms = _load_files(raw_files)
    bpmn_names = [n for n in xml_roots if n.lower().endswith(".bpmn")]
    if len(bpmn_names) != 1:
        raise InvalidDefinition(
            f"a deployment needs exactly one .bpmn file, got {len(bpmn_names)}",
            problems=[Problem("exactly one .bpmn file is required")],
        )
    bpmn_file = bpmn_names[0]
    early = diagram_problems(xml_roots[bpmn_file], bpmn_file)  # before the parser recurses
    if early:
        raise InvalidDefinition(f"{bpmn_file}: {len(early)} problem(s) in the definition",
                                problems=early)
    with _VALIDATOR_LOCK:
        spec, subprocess_specs, chosen = _parse_specs(xml_roots, bpmn_file, process_id)
    bpmn_root = xml_roots[bpmn_file]
    task_meta, meta_problems = extract_task_meta(spec, subprocess_specs, bpmn_root, forms,
                                                 bpmn_file, known_groups)
    decision_problems = [problem for name, root in xml_roots.items()
                         if name.lower().endswith(".dmn") for problem in dmn_problems(root, name)]
    problems = _locate(meta_problems + check_spec(spec, subprocess_specs, bpmn_root, bpmn_file)
                       + decision_problems, xml_roots)
    if problems:
        raise InvalidDefinition(
            f"{bpmn_file}: {len(problems)} problem(s) in the definition", problems=problems
        )
    return ParsedBundle(
        process_id=chosen,
        name=spec.description or chosen,
        bpmn_file=bpmn_file,
        spec=spec,
        subprocess_specs=subprocess_specs,
        task_meta=task_meta,
        files=files,
        content_hash=content_hash(files),
        forms=forms,
    )


def load_specs(files: dict[str, str], bpmn_file: str, process_id: str
               ) -> tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]:
    """Re-parse a stored (already validated) definition, e.g. to refill the spec cache."""
    raw = {name: text.encode() for name, text in files.items()}
    _, xml_roots, _ = _load_files(raw)
    with _VALIDATOR_LOCK:
        spec, subprocess_specs, _ = _parse_specs(xml_roots, bpmn_file, process_id)
    return spec, subprocess_specs


def _load_files(raw_files: dict[str, bytes]
                ) -> tuple[dict[str, str], dict[str, etree._Element], dict[str, dict[str, Any]]]:
    files: dict[str, str] = {}
    xml_roots: dict[str, etree._Element] = {}
    forms: dict[str, dict[str, Any]] = {}
    problems: list[Problem] = []
    if not raw_files:
        raise InvalidDefinition("no files were uploaded",
                                problems=[Problem("upload a .bpmn file")])
    for name, content in raw_files.items():
        lower = name.lower()
        try:
            if lower.endswith((".bpmn", ".dmn", ".xml")):
                xml_roots[name] = parse_xml(content, name)
            elif lower.endswith(".json"):
                forms[name] = _load_form(content, name)
            else:
                problems.append(Problem("unsupported file type; expected .bpmn, .dmn or .json",
                                        file=name))
                continue
        except UnsafeXml as exc:
            problems.append(exc.problem)
            continue
        except ValueError as exc:
            problems.append(Problem(str(exc), file=name))
            continue
        files[name] = content.decode("utf-8")
    if problems:
        raise InvalidDefinition(f"{problems[0].file}: {problems[0].message}"
                                if len(problems) == 1 else
                                f"{len(problems)} files could not be read", problems=problems)
    return files, xml_roots, forms


def _load_form(content: bytes, name: str) -> dict[str, Any]:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    try:
        schema = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"form schema is not valid JSON: {exc}") from exc
    if not isinstance(schema, dict):
        raise ValueError("form schema must be a JSON object")
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        raise ValueError(f"form schema is not a valid JSON Schema: {exc.message}") from exc
    return schema


class _ProcessParser(SpiffProcessParser):
    """Indexes a process's elements by walking the tree once: the engine's own index asks
    libxml2 for ``.//*[@id]``, which takes quadratic time (33 s for 5,000 user tasks)."""

    def xpath(self, xpath: str) -> Any:
        if xpath != ".//*[@id]":
            return super().xpath(xpath)
        return [element for element in self.node.iter(tag=etree.Element)
                if element is not self.node and element.get("id") is not None]


class _Parser(SpiffBpmnParser):
    PROCESS_PARSER_CLASS = _ProcessParser


def _parse_specs(xml_roots: dict[str, etree._Element], bpmn_file: str, process_id: str | None
                 ) -> tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec], str]:
    # A fresh parser per bundle: a parser reused after a failure keeps half-registered processes.
    parser = _Parser(validator=VALIDATOR)
    current = bpmn_file
    try:
        for name, root in xml_roots.items():
            if name.lower().endswith(".dmn"):
                current = name
                parser.add_dmn_xml(root, filename=name)
        current = bpmn_file
        parser.add_bpmn_xml(xml_roots[bpmn_file], filename=bpmn_file)
        chosen = process_id or _executable_process(xml_roots[bpmn_file], bpmn_file)
        spec = parser.get_spec(chosen)
        subprocess_specs = parser.get_subprocess_specs(chosen)
    except ValidationException as exc:
        problem = _problem_from_validation(exc, xml_roots.get(exc.file_name or current), current)
        raise InvalidDefinition(f"{problem.file}: {problem.message}", problems=[problem]) from exc
    except SpiffWorkflowException as exc:
        message = _clean_message(exc)
        element_id, line = _element_at_fault(exc, xml_roots.get(current))
        raise InvalidDefinition(f"{current}: {message}", problems=[
            Problem(message, file=current, element_id=element_id, line=line)]) from exc
    except InvalidDefinition:
        raise
    except (RecursionError, MemoryError) as exc:
        element_id, line = _element_at_fault(exc, xml_roots.get(current))
        raise InvalidDefinition(f"{current}: the diagram is nested too deeply to read", problems=[
            Problem("元素嵌套或连接过深，引擎无法读取；请把流程拆成子流程或调用活动",
                    english="the diagram is nested or chained too deeply for the engine to read; "
                            "split it into sub-processes or call activities",
                    file=current, element_id=element_id, line=line)]) from exc
    except Exception as exc:  # the engine's parser failed on something it did not expect
        element_id, line = _element_at_fault(exc, xml_roots.get(current))
        raise InvalidDefinition(f"{current}: the engine could not read an element", problems=[
            Problem("引擎无法读取这个元素：它的写法不完整或不受支持（例如缺少必需的属性或引用）",
                    english="the engine could not read this element: it is incomplete or "
                            "written in a way it does not support (e.g. a missing attribute or "
                            "reference)",
                    file=current, element_id=element_id, line=line,
                    extra={"cause": type(exc).__name__})]) from exc
    return spec, subprocess_specs, chosen


def _element_at_fault(exc: BaseException, root: etree._Element | None
                      ) -> tuple[str | None, int | None]:
    """The element the engine was reading when it failed: the innermost frame of the failure
    whose parser holds an element of the file (``self.node``) with an id."""
    found: tuple[str | None, int | None] = (None, None)
    trace = exc.__traceback__
    while trace is not None:
        holder = trace.tb_frame.f_locals.get("self")
        node = getattr(holder, "node", None)
        if isinstance(node, etree._Element) and node.get("id") and (
                root is None or node.getroottree().getroot() is root):
            found = (node.get("id"), node.sourceline)
        trace = trace.tb_next
    return found


def _executable_process(root: etree._Element, bpmn_file: str) -> str:
    processes = root.findall(f".//{{{BPMN_NS}}}process")
    executable = [p for p in processes if p.get("isExecutable", "false").lower() == "true"]
    candidates = executable or processes
    if not candidates:
        raise InvalidDefinition(f"{bpmn_file} contains no bpmn:process", problems=[
            Problem("the file contains no bpmn:process element", file=bpmn_file)])
    if len(executable) != 1:
        raise InvalidDefinition(
            f"{bpmn_file} must mark exactly one process isExecutable=\"true\"", problems=[
                Problem(f"{len(executable)} executable processes; mark exactly one "
                        "isExecutable=\"true\"", file=bpmn_file,
                        element_id=candidates[0].get("id") or None,
                        line=candidates[0].sourceline,
                        extra={"processes": [p.get("id", "") for p in candidates]})])
    return executable[0].get("id", "")


def _locate(problems: list[Problem], xml_roots: dict[str, etree._Element]) -> list[Problem]:
    """Fill in the file and line of problems that only know their element id (DMN cells)."""
    located = []
    lines: dict[str, dict[str, int]] = {}
    for problem in problems:
        if problem.file is None and problem.element_id:
            for name, root in xml_roots.items():
                if name not in lines:
                    lines[name] = element_lines(root)
                line = lines[name].get(problem.element_id)
                if line is not None:
                    problem = replace(problem, file=name, line=line)
                    break
        located.append(problem)
    return located


def _problem_from_validation(exc: ValidationException, root: etree._Element | None,
                             fallback_file: str) -> Problem:
    line = exc.line_number if isinstance(exc.line_number, int) else None
    message = _clean_message(exc)
    element_id = exc.id or None
    if root is not None:
        if element_id is None:
            element_id = _schema_element(message, line, root)
        message = _as_written(message, root)
    if element_id is None and root is not None:
        element_id, found_line = _element_named_in(message, root)
        line = line or found_line
    if line is None and element_id and root is not None:
        found = root.xpath("//*[@id=$id]", id=element_id)
        if found:
            line = found[0].sourceline
    if exc.tag and message.endswith(" of type"):  # SpiffWorkflow leaves the type out
        message = f"{message} {exc.tag}"
    return Problem(message, file=exc.file_name or fallback_file, element_id=element_id,
                   line=line, extra={"tag": exc.tag} if exc.tag else {})


# ``<Element {namespace}tag at 0x7f...>`` as lxml prints it: say ``tag``, not a memory address.
_LXML_REPR = re.compile(r"<Element \{[^}]*\}(\w+) at 0x[0-9a-f]+>")
# Messages that name an element without giving its id.
_NAMED_ELEMENTS = [(re.compile(r"Data Store with name (.+?) has no implementation"),
                    "dataStore", "name"),
                   (re.compile(r"The process '(.+?)' was not found"), "callActivity",
                    "calledElement")]


def _clean_message(exc: Exception) -> str:
    """The engine's message on one line, without memory addresses or trailing punctuation."""
    raw = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
    text = " ".join(_LXML_REPR.sub(r"\1", raw).split())
    return text.rstrip(". ") or "the diagram is not valid"


_QUALIFIED = re.compile(r"\{([^}]*)\}([\w.-]+)")


def _as_written(message: str, root: etree._Element) -> str:
    """``{http://www.omg.org/spec/BPMN/20100524/MODEL}task`` as the file spells it:
    ``bpmn:task`` (or ``task`` in the default namespace)."""
    prefixes = {uri: prefix for prefix, uri in root.nsmap.items()}

    def spelled(match: re.Match[str]) -> str:
        prefix = prefixes.get(match.group(1))
        return f"{prefix}:{match.group(2)}" if prefix else match.group(2)

    return _QUALIFIED.sub(spelled, message)


def _schema_element(message: str, line: int | None, root: etree._Element) -> str | None:
    """The element a schema error names (``Element '{ns}tag': ...``), by tag and line."""
    match = re.match(r"Element '(\{[^}]*\}[\w.-]+)'", message)
    if match is None:
        return None
    for element in root.iter(match.group(1)):
        if line is None or element.sourceline == line:
            return _drawn(element)
    return None


def _drawn(element: etree._Element) -> str | None:
    """The id of the element the editor draws for ``element``: itself, or for an event
    definition, a loop marker or an element without an id, its nearest drawn ancestor."""
    current: etree._Element | None = element
    while current is not None:
        tag = current.tag.rsplit("}", 1)[-1] if isinstance(current.tag, str) else ""
        if current.get("id") and not tag.endswith(("EventDefinition", "LoopCharacteristics")):
            return str(current.get("id"))
        current = current.getparent()
    return None


def _element_named_in(message: str, root: etree._Element) -> tuple[str | None, int | None]:
    """Find the element a message names (e.g. a data store) when the engine gave no id."""
    for pattern, tag, attribute in _NAMED_ELEMENTS:
        match = pattern.search(message)
        if match:
            found = root.xpath(f"//*[local-name()='{tag}' and normalize-space(@{attribute})=$name]",
                               name=match.group(1))
            if found:
                return found[0].get("id"), found[0].sourceline
    return None, None
