// The modeler's properties panel: pick any element from a list (keyboard users need not aim at
// the canvas), rename it, and edit every property certflow executes — a user task's performer,
// form, due time, separation-of-duties rules, approval actions and summary fields; script and
// condition text; timer expressions; a service task's function from the registry and its
// parameters. Changes go through bpmn-js's modeling commands, so undo/redo and validation see
// them; script, condition and timer text is applied while typing, so the page's live check can
// mark a problem on its element.
import { useEffect, useMemo, useRef, useState } from "react";
import type { ModelerVocabulary } from "../../api/endpoints";
import type { DiagramElement, DiagramInstance } from "../../bpmn/diagramTypes";
import {
  isDueIn, readProperties, readServiceCall, readTimer, splitList, writeProperties, writeServiceCall, writeTimer,
  type ServiceCall, type TimerKind,
} from "../../bpmn/extensions";
import { useI18n } from "../../i18n";
import { FormEditor } from "./FormEditor";

interface Modeling {
  updateProperties(element: DiagramElement, properties: Record<string, unknown>): void;
  updateLabel(element: DiagramElement, text: string): void;
}
interface Moddle {
  create(type: string, attrs: Record<string, unknown>): unknown;
}

const LIVE_DELAY = 700;

function conditionOf(element: DiagramElement | null): string {
  const expression = element?.businessObject.conditionExpression as { body?: string } | undefined;
  return expression?.body ?? "";
}

function scriptOf(element: DiagramElement | null): string {
  return typeof element?.businessObject.script === "string" ? element.businessObject.script : "";
}

interface TaskFields {
  performerRole: string;
  performerAnchor: string;
  form: string;
  dueIn: string;
  duties: string[];
  actions: string[];
  sendBackTo: string[];
  summaryFields: string;
}

function taskFields(element: DiagramElement | null): TaskFields {
  const properties = readProperties(element);
  const performer = (properties.performer ?? "").match(/^\s*(\w+)\s*\(\s*(\w+)\s*\)\s*$/);
  return {
    performerRole: properties.performer === "initiator" ? "initiator" : performer?.[1] ?? properties.performer ?? "",
    performerAnchor: performer?.[2] ?? "applicant",
    form: properties.formJsonSchemaFilename ?? "",
    dueIn: properties.dueIn ?? "",
    duties: splitList(properties.separationOfDuties),
    actions: properties.approvalActions === undefined ? ["comment"] : splitList(properties.approvalActions),
    sendBackTo: splitList(properties.sendBackTo),
    summaryFields: properties.summaryFields ?? "",
  };
}

export function ElementPanel({ modeler, selected, elements, vocabulary, forms, onFormChange, onFormAdd, onPick }: {
  modeler: DiagramInstance;
  selected: DiagramElement | null;
  elements: DiagramElement[];
  vocabulary: ModelerVocabulary | null;
  /** The bundle's form schemas (file name -> JSON text), as edited so far. */
  forms: Record<string, string>;
  onFormChange: (name: string, text: string) => void;
  onFormAdd: (name: string) => void;
  onPick: (id: string) => void;
}) {
  const { t } = useI18n();
  const [name, setName] = useState("");
  const [condition, setCondition] = useState("");
  const [script, setScript] = useState("");
  const [timer, setTimer] = useState<{ kind: TimerKind; expression: string } | null>(null);
  const [task, setTask] = useState<TaskFields>(taskFields(null));
  const [service, setService] = useState<ServiceCall>({ operator: "", params: {} });
  const [editingForm, setEditingForm] = useState(false);
  const [dueError, setDueError] = useState(false);
  const live = useRef<number | undefined>(undefined);
  const pending = useRef<(() => void) | null>(null);
  useEffect(() => {
    // Text typed into the element that was selected reaches it before the panel moves on.
    window.clearTimeout(live.current);
    pending.current?.();
    pending.current = null;
    setName(selected?.businessObject.name ?? "");
    setCondition(conditionOf(selected));
    setScript(scriptOf(selected));
    setTimer(readTimer(selected));
    setTask(taskFields(selected));
    setService(readServiceCall(selected));
    setEditingForm(false);
    setDueError(false);
  }, [selected]);
  useEffect(() => () => window.clearTimeout(live.current), []);
  const type = selected?.type;
  const isFlow = type === "bpmn:SequenceFlow";
  const isUserTask = type === "bpmn:UserTask";
  const isScript = type === "bpmn:ScriptTask";
  const isService = type === "bpmn:ServiceTask";
  const userTasks = useMemo(() => elements.filter((e) => e.type === "bpmn:UserTask" && e.id !== selected?.id), [elements, selected]);
  const formNames = Object.keys(forms).filter((n) => n.endsWith(".json")).sort();
  const serviceSpec = vocabulary?.services.find((s) => s.name === service.operator);

  const modeling = () => modeler.get<Modeling>("modeling");
  const applyCondition = (text: string) => {
    if (!selected || !isFlow || text === conditionOf(selected)) return;
    const moddle = modeler.get<Moddle>("moddle");
    modeling().updateProperties(selected, {
      conditionExpression: text.trim() ? moddle.create("bpmn:FormalExpression", { body: text }) : undefined,
    });
  };
  const applyScript = (text: string) => {
    if (!selected || !isScript || text === scriptOf(selected)) return;
    modeling().updateProperties(selected, { script: text });
  };
  const applyTimer = (value: { kind: TimerKind; expression: string } | null) => {
    if (!selected || !value) return;
    const current = readTimer(selected);
    if (current && current.kind === value.kind && current.expression === value.expression.trim()) return;
    writeTimer(modeler, selected, value.kind, value.expression);
  };
  /** Script, condition and timer text reach the diagram while typing (after a pause). */
  const typed = (apply: () => void) => {
    window.clearTimeout(live.current);
    pending.current = apply;
    live.current = window.setTimeout(() => {
      pending.current = null;
      apply();
    }, LIVE_DELAY);
  };

  const applyTask = (): boolean => {
    if (!selected || !isUserTask) return true;
    if (task.dueIn.trim() && !isDueIn(task.dueIn.trim())) {
      setDueError(true);
      return false;
    }
    setDueError(false);
    const role = task.performerRole;
    writeProperties(modeler, selected, {
      performer: role === "initiator" ? "initiator" : role ? `${role}(${task.performerAnchor})` : "",
      formJsonSchemaFilename: task.form,
      dueIn: task.dueIn,
      separationOfDuties: task.duties.join(", "),
      approvalActions: task.actions.join(", "),
      sendBackTo: task.actions.includes("send_back") ? task.sendBackTo.join(", ") : "",
      summaryFields: task.summaryFields,
    });
    return true;
  };

  const apply = () => {
    if (!selected) return;
    window.clearTimeout(live.current);
    pending.current = null;
    if (!applyTask()) return;
    if (name !== (selected.businessObject.name ?? "")) modeling().updateLabel(selected, name);
    applyCondition(condition);
    applyScript(script);
    applyTimer(timer);
    if (isService) {
      const types = Object.fromEntries((serviceSpec?.params ?? []).map((p) => [p.name, p.type]));
      const current = readServiceCall(selected);
      if (JSON.stringify(current) !== JSON.stringify(service)) writeServiceCall(modeler, selected, service, types);
    }
  };

  const toggle = (list: string[], item: string, on: boolean) => (on ? [...list.filter((x) => x !== item), item] : list.filter((x) => x !== item));
  const otherDuties = task.duties.filter((rule) => !(vocabulary?.duty_rules ?? []).some((r) => r.argument === null && r.rule === rule)
    && !rule.startsWith("differs_from:"));

  return (
    <aside className="element-panel card" aria-labelledby="element-panel-heading">
      <h2 id="element-panel-heading">{t("model.element")}</h2>
      <div className="field">
        <label htmlFor="element-pick">{t("model.pickElement")}</label>
        <select id="element-pick" value={selected?.id ?? ""} onChange={(e) => e.target.value && onPick(e.target.value)}>
          <option value="">{t("model.pickPlaceholder")}</option>
          {elements.map((e) => (
            <option key={e.id} value={e.id}>{e.businessObject.name ? `${e.businessObject.name} (${e.id})` : e.id}</option>
          ))}
        </select>
      </div>
      {!selected && <p className="muted">{t("model.nothingSelected")}</p>}
      {selected && (
        <form onSubmit={(e) => { e.preventDefault(); apply(); }} data-testid="element-form">
          <p className="small"><span className="muted">{t("model.elementId")}</span> <code data-testid="element-id">{selected.id}</code></p>
          <p className="small"><span className="muted">{t("model.elementType")}</span> <code>{selected.type.replace("bpmn:", "")}</code></p>
          <div className="field">
            <label htmlFor="element-name">{t("model.elementName")}</label>
            <input id="element-name" value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          {isFlow && (
            <div className="field">
              <label htmlFor="element-condition">{t("model.condition")}</label>
              <textarea id="element-condition" rows={3} value={condition} spellCheck={false} aria-describedby="condition-help"
                onChange={(e) => { const text = e.target.value; setCondition(text); typed(() => applyCondition(text)); }} />
              <p id="condition-help" className="help-block">{t("model.conditionHelp")}</p>
            </div>
          )}
          {isScript && (
            <div className="field">
              <label htmlFor="element-script">{t("model.script")}</label>
              <textarea id="element-script" rows={5} value={script} spellCheck={false} aria-describedby="script-help"
                onChange={(e) => { const text = e.target.value; setScript(text); typed(() => applyScript(text)); }} />
              <p id="script-help" className="help-block">{t("model.scriptHelp")}</p>
            </div>
          )}
          {timer && (
            <fieldset className="field">
              <legend>{t("model.timer")}</legend>
              <label htmlFor="timer-kind">{t("model.timerKind")}</label>
              <select id="timer-kind" value={timer.kind} onChange={(e) => { const next = { ...timer, kind: e.target.value as TimerKind }; setTimer(next); typed(() => applyTimer(next)); }}>
                <option value="timeDuration">{t("model.timerDuration")}</option>
                <option value="timeDate">{t("model.timerDate")}</option>
                <option value="timeCycle">{t("model.timerCycle")}</option>
              </select>
              <label htmlFor="timer-expression">{t("model.timerExpression")}</label>
              <input id="timer-expression" value={timer.expression} spellCheck={false} aria-describedby="timer-help"
                onChange={(e) => { const next = { ...timer, expression: e.target.value }; setTimer(next); typed(() => applyTimer(next)); }} />
              <p id="timer-help" className="help-block">{t("model.timerHelp")}</p>
            </fieldset>
          )}
          {isService && (
            <fieldset className="field" data-testid="service-fields">
              <legend>{t("model.service")}</legend>
              <label htmlFor="service-operator">{t("model.serviceFunction")}</label>
              <select id="service-operator" value={service.operator} onChange={(e) => setService({ operator: e.target.value, params: {} })}>
                <option value="">{t("model.pickPlaceholder")}</option>
                {service.operator && !serviceSpec && <option value={service.operator}>{service.operator}</option>}
                {(vocabulary?.services ?? []).map((s) => <option key={s.name} value={s.name}>{s.description ? `${s.name} · ${s.description}` : s.name}</option>)}
              </select>
              {(serviceSpec?.params ?? Object.keys(service.params).map((p) => ({ name: p, type: "any", required: false }))).map((param) => (
                <div key={param.name} className="field">
                  <label htmlFor={`service-param-${param.name}`}>{t(param.required ? "model.paramRequired" : "model.param", { name: param.name, type: param.type })}</label>
                  <input id={`service-param-${param.name}`} value={service.params[param.name] ?? ""} spellCheck={false}
                    onChange={(e) => setService({ ...service, params: { ...service.params, [param.name]: e.target.value } })} />
                </div>
              ))}
              <p className="help-block">{t("model.paramHelp")}</p>
            </fieldset>
          )}
          {isUserTask && (
            <>
              <fieldset className="field" data-testid="performer-fields">
                <legend>{t("model.performer")}</legend>
                <label htmlFor="performer-role">{t("model.performerRole")}</label>
                <select id="performer-role" value={task.performerRole} onChange={(e) => setTask({ ...task, performerRole: e.target.value })}>
                  <option value="">{t("model.performerLane")}</option>
                  <option value="initiator">{t("model.performerInitiator")}</option>
                  {task.performerRole && task.performerRole !== "initiator" && !(vocabulary?.roles ?? []).some((r) => r.id === task.performerRole)
                    && <option value={task.performerRole}>{task.performerRole}</option>}
                  {(vocabulary?.roles ?? []).map((r) => <option key={r.id} value={r.id}>{`${r.name} (${r.id})`}</option>)}
                </select>
                {task.performerRole && task.performerRole !== "initiator" && (
                  <>
                    <label htmlFor="performer-anchor">{t("model.performerAnchor")}</label>
                    <select id="performer-anchor" value={task.performerAnchor} onChange={(e) => setTask({ ...task, performerAnchor: e.target.value })}>
                      {(vocabulary?.anchors ?? []).map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
                    </select>
                  </>
                )}
              </fieldset>
              <div className="field">
                <label htmlFor="task-form">{t("model.form")}</label>
                <select id="task-form" value={task.form} onChange={(e) => setTask({ ...task, form: e.target.value })}>
                  <option value="">{t("model.noForm")}</option>
                  {task.form && !formNames.includes(task.form) && <option value={task.form}>{task.form}</option>}
                  {formNames.map((n) => <option key={n} value={n}>{n}</option>)}
                </select>
                <div className="button-row">
                  {task.form && forms[task.form] !== undefined && (
                    <button type="button" className="btn btn-small" aria-expanded={editingForm} onClick={() => setEditingForm(!editingForm)}>
                      {t(editingForm ? "model.formClose" : "model.formEdit")}
                    </button>
                  )}
                  <button type="button" className="btn btn-small btn-quiet" onClick={() => {
                    const fresh = `${selected.id}.schema.json`;
                    if (forms[fresh] === undefined) onFormAdd(fresh);
                    setTask({ ...task, form: fresh });
                    setEditingForm(true);
                  }}>{t("model.formNew")}</button>
                </div>
              </div>
              {editingForm && task.form && forms[task.form] !== undefined && (
                <FormEditor name={task.form} text={forms[task.form]} onChange={(text) => onFormChange(task.form, text)} />
              )}
              <div className="field">
                <label htmlFor="task-due">{t("model.dueIn")}</label>
                <input id="task-due" value={task.dueIn} spellCheck={false} placeholder="P5WD" aria-invalid={dueError || undefined}
                  aria-describedby={dueError ? "task-due-error task-due-help" : "task-due-help"}
                  onChange={(e) => { setTask({ ...task, dueIn: e.target.value }); setDueError(false); }} />
                <p id="task-due-help" className="help-block">{t("model.dueInHelp")}</p>
                {dueError && <p id="task-due-error" className="field-error" role="alert">{t("model.dueInInvalid")}</p>}
              </div>
              <fieldset className="field" data-testid="duty-fields">
                <legend>{t("model.duties")}</legend>
                {(vocabulary?.duty_rules ?? []).filter((r) => r.argument === null).map((rule) => (
                  <label key={rule.rule} className="check">
                    <input type="checkbox" checked={task.duties.includes(rule.rule)}
                      onChange={(e) => setTask({ ...task, duties: toggle(task.duties, rule.rule, e.target.checked) })} />
                    {` ${rule.name}`}
                  </label>
                ))}
                {userTasks.map((other) => (
                  <label key={other.id} className="check">
                    <input type="checkbox" checked={task.duties.includes(`differs_from:${other.id}`)}
                      onChange={(e) => setTask({ ...task, duties: toggle(task.duties, `differs_from:${other.id}`, e.target.checked) })} />
                    {` ${t("model.differsFrom", { task: other.businessObject.name ?? other.id })}`}
                  </label>
                ))}
                {otherDuties.length > 0 && <p className="small muted">{t("model.otherDuties", { rules: otherDuties.join(", ") })}</p>}
              </fieldset>
              <fieldset className="field" data-testid="action-fields">
                <legend>{t("model.actions")}</legend>
                {(vocabulary?.approval_actions ?? []).map((action) => (
                  <label key={action.id} className="check">
                    <input type="checkbox" checked={task.actions.includes(action.id)}
                      onChange={(e) => setTask({ ...task, actions: toggle(task.actions, action.id, e.target.checked) })} />
                    {` ${action.name}`}
                  </label>
                ))}
                {task.actions.includes("send_back") && (
                  <div className="nested" role="group" aria-label={t("model.sendBackTo")}>
                    <p className="small">{t("model.sendBackTo")}</p>
                    {userTasks.map((other) => (
                      <label key={other.id} className="check">
                        <input type="checkbox" checked={task.sendBackTo.includes(other.id)}
                          onChange={(e) => setTask({ ...task, sendBackTo: toggle(task.sendBackTo, other.id, e.target.checked) })} />
                        {` ${other.businessObject.name ?? other.id}`}
                      </label>
                    ))}
                  </div>
                )}
              </fieldset>
              <div className="field">
                <label htmlFor="task-summary">{t("model.summaryFields")}</label>
                <input id="task-summary" value={task.summaryFields} spellCheck={false} aria-describedby="summary-help"
                  onChange={(e) => setTask({ ...task, summaryFields: e.target.value })} />
                <p id="summary-help" className="help-block">{t("model.summaryHelp")}</p>
              </div>
            </>
          )}
          <button type="submit" className="btn btn-small">{t("model.apply")}</button>
        </form>
      )}
    </aside>
  );
}
