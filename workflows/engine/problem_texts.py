"""Diagram problems in Chinese, with their English wording kept for the English switch.

Problems are found by certflow's own checks, by SpiffWorkflow's parser, by the BPMN schema
(libxml2) and by the script sandbox; the last three speak English. Every English message is
translated here, once, by a catalogue of patterns (a message's variable parts, such as ids and
names, are kept as written). A message the catalogue does not know still gets a Chinese
sentence, with the English reason quoted, and never the text of a library exception.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from workflows.core.errors import InvalidDefinition, Problem

_CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef]")
# A Python exception as ``repr`` prints it: ``TypeError('...')`` or ``KeyError: 'x'``.
_EXCEPTION = re.compile(r"\b[A-Z]\w*(?:Error|Exception)\b(?:\(.*\)|: ?)?", re.DOTALL)

_RAW = re.compile(r"\w*(?:Error|Exception)\(.*\)|\w*(?:Error|Exception): .*", re.DOTALL)
_Template = str | Callable[[re.Match[str]], str]
# (pattern, Chinese). ``{reason}`` (a group named ``reason``) is itself translated.
_ENTRIES: list[tuple[str, _Template]] = [
    # --- bundle and files
    (r"exactly one \.bpmn file is required", "一次部署需要恰好一个 .bpmn 文件"),
    (r"upload a \.bpmn file", "请上传一个 .bpmn 文件"),
    (r"unsupported file type; expected \.bpmn, \.dmn or \.json",
     "不支持的文件类型：只接受 .bpmn、.dmn 和 .json 文件"),
    (r"an archive was uploaded where an XML file is expected",
     "上传的是压缩包，这里需要一个 XML 文件"),
    (r"the file is not valid UTF-8 \(byte (?P<byte>\d+)\)",
     "文件不是有效的 UTF-8 编码（第 {byte} 个字节处）"),
    (r"DTDs and entity declarations are not accepted \(the file declares encoding (?P<e>.+)\)",
     "不接受 DTD 与实体声明（DOCTYPE、ENTITY）；文件声明的编码为 {e}"),
    (r"DTDs and entity declarations are not accepted", "不接受 DTD 与实体声明（DOCTYPE、ENTITY）"),
    (r"the file is empty", "文件是空的"),
    (r"file name missing, too long or with control characters",
     "文件名缺失、过长或含有控制字符"),
    (r"form schema is not valid JSON: (?P<why>.+)", "表单 schema 不是有效的 JSON：{why}"),
    (r"form schema must be a JSON object", "表单 schema 必须是一个 JSON 对象"),
    (r"form schema is not a valid JSON Schema: (?P<why>.+)",
     "表单 schema 不是有效的 JSON Schema：{why}"),
    (r"the file contains no bpmn:process element", "文件中没有 bpmn:process 元素"),
    (r"(?P<n>\d+) executable processes; mark exactly one isExecutable=\"true\"",
     "文件中有 {n} 个可执行流程；请把恰好一个流程标为 isExecutable=\"true\""),
    # --- malformed XML (libxml2)
    (r"malformed XML: Opening and ending tag mismatch: (?P<a>\S+) line (?P<l>\d+) and (?P<b>\S+)",
     "XML 格式错误：开始标签 <{a}>（第 {l} 行）与结束标签 </{b}> 不匹配"),
    (r"malformed XML: Premature end of data in tag (?P<a>\S+) line (?P<l>\d+)",
     "XML 格式错误：文件在标签 <{a}>（第 {l} 行）中意外结束"),
    (r"malformed XML: (?:Start tag expected, '<' not found|Document is empty)",
     "XML 格式错误：找不到根元素，文件不是 XML"),
    (r"malformed XML: Extra content at the end of the document",
     "XML 格式错误：根元素结束后还有多余内容"),
    (r"malformed XML: Namespace prefix (?P<p>\S+) (?:on|for) (?P<t>\S+) is not defined",
     "XML 格式错误：<{t}> 使用的命名空间前缀 {p} 没有声明"),
    (r"malformed XML: Attribute (?P<a>\S+) redefined", "XML 格式错误：属性 {a} 重复"),
    (r"malformed XML: (?P<why>.+)", "XML 格式错误（解析器的说明：{why}）"),
    # --- BPMN schema (libxml2 through SpiffWorkflow's validator)
    (r"Element '(?P<el>[^']+)': This element is not expected\. "
     r"Expected is one of \( ?(?P<x>.+?) ?\)",
     "元素 '{el}' 不应出现在这里；此处可以是：{x}"),
    (r"Element '(?P<el>[^']+)': This element is not expected\. Expected is \( ?(?P<x>.+?) ?\)",
     "元素 '{el}' 不应出现在这里；此处应为：{x}"),
    (r"Element '(?P<el>[^']+)': This element is not expected",
     "元素 '{el}' 不应出现在这里（BPMN 规范不允许它在此位置）"),
    (r"Element '(?P<el>[^']+)': Missing child element\(s\)\. "
     r"Expected is (?:one of )?\( ?(?P<x>.+?) ?\)",
     "元素 '{el}' 缺少子元素；需要：{x}"),
    (r"Element '(?P<el>[^']+)', attribute '(?P<a>[^']+)': The attribute '[^']+' is not allowed",
     "元素 '{el}' 不允许有属性 '{a}'"),
    (r"Element '(?P<el>[^']+)', attribute '(?P<a>[^']+)': '(?P<v>.*)' is not a valid value of "
     r"the (?:atomic|union|list) type '(?P<t>[^']+)'",
     "元素 '{el}' 的属性 '{a}' 的值 '{v}' 不是有效的 {t}"),
    (r"Element '(?P<el>[^']+)': The attribute '(?P<a>[^']+)' is required but missing",
     "元素 '{el}' 缺少必需的属性 '{a}'"),
    (r"Element '(?P<el>[^']+)': Duplicate key-sequence \[(?P<k>.+?)\].*",
     "元素 '{el}' 的 id {k} 与另一个元素重复"),
    (r"Element '(?P<el>[^']+)': No match found for key-sequence \[(?P<k>.+?)\].*",
     "元素 '{el}' 引用的 {k} 不存在"),
    (r"Element '(?P<el>[^']+)'(?:, attribute '(?P<a>[^']+)')?: (?P<why>.+)",
     lambda m: (f"元素 '{m['el']}'" + (f" 的属性 '{m['a']}'" if m["a"] else "")
                + f" 不符合 BPMN 规范（校验器的说明：{m['why']}）")),
    # --- SpiffWorkflow's parser
    (r"A Service Task must have an operator",
     "服务任务必须指定 operator（要调用的服务）；certflow 目前不调用外部服务"),
    (r"A multiinstance task must specify a cardinality or a loop input data reference",
     "多实例任务必须指定实例数（loopCardinality）或循环输入的数据引用（loopDataInputRef）"),
    (r"Cannot resolve (?P<what>\w+) (?P<ref>targetRef|sourceRef)",
     "{what} 的 {ref} 指向的元素不存在"),
    (r"Data Store with name (?P<name>.+?) has no implementation",
     "数据存储“{name}”没有实现：certflow 不提供外部数据存储"),
    (r"Exactly one start event is required in a SubWorkflow Task; found (?P<n>\d+)",
     "子流程中必须恰有一个开始事件，现有 {n} 个"),
    (r"Multiple outgoing flows are not supported for tasks of type (?P<t>.+)",
     "{t} 类型的任务不支持多条出线；请在任务之后加一个网关来分支"),
    (r"Non-default exclusive outgoing sequence flow without condition",
     "排他网关的这条出线没有条件，也不是默认流：请给它加条件，或把它设为网关的默认流"),
    (r"Time Specification Error\. Unknown Time Specification",
     "定时器没有可用的时间设置：timeDuration、timeDate 或 timeCycle 缺失或为空"),
    (r"Could not find a valid start event|No start event found",
     "流程中没有可用的开始事件"),
    (r"The process '(?P<p>.+?)' was not found(?P<rest>.*)",
     "找不到流程 '{p}'"),
    (r"Unable to find a spec with id (?P<p>.+)",
     "找不到被调用的流程或决策 {p}"),
    (r"Unable to locate a decision with id (?P<p>.+)|Unable to find a decision with id (?P<q>.+)",
     lambda m: f"找不到决策 {m['p'] or m['q']}：它不在本次上传的 .dmn 文件中"),
    (r"Duplicate process id (?P<p>.+)|Process Id '(?P<q>.+?)' is defined more than once.*",
     lambda m: f"流程 id {m['p'] or m['q']} 被定义了不止一次"),
    (r"No \"calledElement\" attribute for Call Activity",
     "调用活动没有 calledElement 属性：请指明要调用的流程"),
    (r"No DMN Diagram available with id \"(?P<d>.*?)\", Available DMN ids are:(?P<ids>.*)",
     lambda m: ("业务规则任务没有指定要调用的决策（calledDecisionId）" if m["d"] in ("", "None")
                else f"找不到决策 {m['d']}：它不在本次上传的 .dmn 文件中")),
    (r"A loopMaximum or loopCondition must be specified for Loop Tasks",
     "循环任务必须指定 loopMaximum 或 loopCondition"),
    (r"When looking for a task spec, we found two items.*",
     "连线指向的元素不存在，或有两个元素使用了同一个 id"),
    # A library exception where the engine expected to explain itself: say what can be done.
    (_RAW.pattern,
     "引擎无法读取这个元素：它的写法不完整或不受支持（例如引用了不存在的消息、信号或错误）"),
    # --- certflow's own checks
    (r"user task is in no lane and names no candidateGroup",
     "用户任务不在任何泳道中，也没有指定 candidateGroup：没有人能领取它"),
    (r"form schema '(?P<f>.+)' is not in the upload", "表单 schema“{f}”不在本次上传的文件中"),
    (r"dueIn '(?P<v>.+)' is not an ISO 8601 duration or P<n>WD",
     "办理期限 dueIn“{v}”不是 ISO 8601 时长（如 P2D、PT4H），也不是工作日数（如 P5WD）"),
    (r"separation-of-duties rule '(?P<r>.+)' names no user task of this process",
     "职责分离规则“{r}”指向的用户任务不在本流程中"),
    (r"unknown separation-of-duties rule '(?P<r>.+)'; known: (?P<k>.+)",
     "未知的职责分离规则“{r}”；可用的规则：{k}"),
    (r"rule '(?P<r>.+)' takes no argument", "职责分离规则“{r}”不带参数"),
    (r"rule '(?P<r>.+)' needs an argument \((?P<k>.+)\)", "职责分离规则“{r}”需要参数（{k}）"),
    (r"rule '(?P<r>.+)': recusal applies to (?P<k>.+)", "职责分离规则“{r}”：回避只适用于 {k}"),
    (r"rule '(?P<r>.+)': '(?P<a>.+)' is not an identifier",
     "职责分离规则“{r}”：“{a}”不是合法的标识符"),
    (r"approval action '(?P<a>.+)' is not one of (?P<k>.+)", "审批操作“{a}”无效；可用：{k}"),
    (r"sendBackTo '(?P<t>.+)' names no user task of this process",
     "退回目标 sendBackTo“{t}”不是本流程的用户任务"),
    (r"approval action 'send_back' needs sendBackTo.*",
     "审批操作 send_back（退回）需要用 sendBackTo 指明可退回到的前面的用户任务"),
    (r"summary field '(?P<f>.+)' names no data field", "摘要字段“{f}”没有指明数据字段"),
    (r"summary field '(?P<f>.+)' has no title in any form of the bundle; give it a label: .*",
     "摘要字段“{f}”在本次上传的表单中都没有标题；请写成 {f}=<标签>"),
    (r"timer cycles \(R<n>/…\) are not supported.*",
     "不支持循环定时器（R<n>/…）：请用时长（timeDuration）或日期（timeDate），"
     "需要重复时用带时长定时器的循环"),
    (r"timer value (?P<v>.+) is not an ISO 8601 duration \(P2D, PT4H\), a date .*",
     "定时器的值 {v} 不是 ISO 8601 时长（P2D、PT4H）、日期（2026-09-01T09:00:00+08:00）"
     "或工作日数（P5WD）"),
    (r"timer expression: (?P<reason>.+)", "定时器表达式：{reason}"),
    (r"condition on the flow to '(?P<t>.+?)': (?P<reason>.+)", "通往“{t}”的连线条件：{reason}"),
    (r"script: (?P<reason>.+)", "脚本：{reason}"),
    (r"prescript: (?P<reason>.+)", "前置脚本：{reason}"),
    (r"postscript: (?P<reason>.+)", "后置脚本：{reason}"),
    (r"decision table '(?P<t>.*?)', rule (?P<r>\S+): cell '(?P<c>.*)': (?P<reason>.+)",
     "决策表“{t}”第 {r} 条规则的单元格“{c}”：{reason}"),
    # --- the script sandbox (reasons inside the messages above)
    (r"Syntax error: invalid syntax\.?", "语法错误"),
    (r"Syntax error: (?P<why>.+?)\.?", "语法错误（{why}）"),
    (r"The code is longer than (?P<n>[\d,]+) characters\.?", "代码超过 {n} 个字符的上限"),
    (r"The code is nested too deeply\.?", "代码嵌套过深"),
    (r"The code contains characters that are not allowed\.?", "代码中含有不允许的字符"),
    (r"Import statements are not allowed.*", "不允许 import；datetime、date、timedelta、Decimal "
     "无需导入即可使用"),
    (r"Class definitions are not allowed\.?", "不允许定义类"),
    (r"\"with\" statements are not allowed\.?", "不允许 with 语句"),
    (r"\"finally\" blocks are not allowed\.?", "不允许 finally 块"),
    (r"A bare \"except:\" is not allowed.*", "不允许单独的 except:；请写 except Exception:"),
    (r"\"(?P<a>\w+)\" is not allowed; use an f-string instead\.?",
     "不允许使用 {a}；请改用 f-string"),
    (r"\"(?P<n>[^\"]+)\" is an invalid (?:variable |attribute )?name because it starts with "
     r"\"_\"\.?", "名称“{n}”以下划线开头，不允许使用"),
    (r"(?P<what>.+?) statements? (?:is|are) not allowed\.?", "不允许 {what} 语句"),
]
_CATALOGUE = [(re.compile(pattern, re.DOTALL), template) for pattern, template in _ENTRIES]


def chinese(english: str) -> str:
    """The Chinese sentence for one English problem message."""
    for pattern, template in _CATALOGUE:
        match = pattern.fullmatch(english.strip())
        if match is None:
            continue
        if callable(template):
            return template(match)
        values = {name: (chinese(value) if name == "reason" else value)
                  for name, value in match.groupdict(default="").items()}
        return template.format(**values)
    return f"流程定义有误（说明：{_EXCEPTION.sub('', english).strip() or '无'}）"


def in_chinese(problem: Problem) -> Problem:
    """The problem with a Chinese message; an English one is kept for the English switch."""
    if _CJK.search(problem.message):
        return problem
    english = problem.english or problem.message
    if _RAW.fullmatch(english.strip()):
        english = ("the engine could not read this element: it is incomplete or written in a "
                   "way the engine does not support")
    return replace(problem, message=chinese(problem.message), english=english)


def refusal_in_chinese(error: InvalidDefinition) -> InvalidDefinition:
    """A refused bundle with every problem, and its summary, in Chinese (and in English)."""
    problems = [in_chinese(problem) for problem in error.problems]
    english = error.detail_en or error.detail
    if _CJK.search(error.detail):
        detail = error.detail
    else:
        files = list(dict.fromkeys(problem.file for problem in problems if problem.file))
        where = f"{files[0]}：" if len(files) == 1 else ""
        detail = (f"{where}{problems[0].message}" if len(problems) == 1 else
                  f"{where}流程定义中有 {len(problems)} 个问题" if len(files) <= 1 else
                  f"{'、'.join(files)} 中有 {len(problems)} 个问题")
    return InvalidDefinition(detail, problems=problems, detail_en=english)
