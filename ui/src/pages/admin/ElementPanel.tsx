// A small properties panel: pick any element from a list (keyboard users need not aim at the
// canvas), rename it, and edit a sequence flow's condition. Changes go through bpmn-js's
// modeling commands, so undo/redo and validation see them.
import { useEffect, useState } from "react";
import type { DiagramElement, DiagramInstance } from "../../bpmn/diagramTypes";
import { useI18n } from "../../i18n";

interface Modeling {
  updateProperties(element: DiagramElement, properties: Record<string, unknown>): void;
  updateLabel(element: DiagramElement, text: string): void;
}
interface Moddle {
  create(type: string, attrs: Record<string, unknown>): unknown;
}

function conditionOf(element: DiagramElement | null): string {
  const expression = element?.businessObject.conditionExpression as { body?: string } | undefined;
  return expression?.body ?? "";
}

export function ElementPanel({ modeler, selected, elements, onPick }: {
  modeler: DiagramInstance;
  selected: DiagramElement | null;
  elements: DiagramElement[];
  onPick: (id: string) => void;
}) {
  const { t } = useI18n();
  const [name, setName] = useState("");
  const [condition, setCondition] = useState("");
  useEffect(() => {
    setName(selected?.businessObject.name ?? "");
    setCondition(conditionOf(selected));
  }, [selected]);
  const isFlow = selected?.type === "bpmn:SequenceFlow";

  const apply = () => {
    if (!selected) return;
    const modeling = modeler.get<Modeling>("modeling");
    if (name !== (selected.businessObject.name ?? "")) modeling.updateLabel(selected, name);
    if (isFlow && condition !== conditionOf(selected)) {
      const moddle = modeler.get<Moddle>("moddle");
      modeling.updateProperties(selected, {
        conditionExpression: condition.trim() ? moddle.create("bpmn:FormalExpression", { body: condition }) : undefined,
      });
    }
  };

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
        <form onSubmit={(e) => { e.preventDefault(); apply(); }}>
          <p className="small"><span className="muted">{t("model.elementId")}</span> <code data-testid="element-id">{selected.id}</code></p>
          <p className="small"><span className="muted">{t("model.elementType")}</span> <code>{selected.type.replace("bpmn:", "")}</code></p>
          <div className="field">
            <label htmlFor="element-name">{t("model.elementName")}</label>
            <input id="element-name" value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          {isFlow && (
            <div className="field">
              <label htmlFor="element-condition">{t("model.condition")}</label>
              <textarea id="element-condition" rows={3} value={condition} onChange={(e) => setCondition(e.target.value)}
                aria-describedby="condition-help" spellCheck={false} />
              <p id="condition-help" className="help-block">{t("model.conditionHelp")}</p>
            </div>
          )}
          <button type="submit" className="btn btn-small">{t("model.apply")}</button>
        </form>
      )}
    </aside>
  );
}
