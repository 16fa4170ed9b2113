// 组织机构: the administrator's centre as a tree (机构 → 系部 → 专业 → 班级, and 职能部门) with
// codes. Choosing a unit opens what can be done to it: add a unit under it, rename it or change
// its code, hang it under another unit, or deactivate it (confirmed; the server refuses while
// someone still studies or holds a position there, and says who).
import { useState } from "react";
import type { FormEvent } from "react";
import { directoryCalls, flatten } from "../../api/directory";
import type { UnitNode } from "../../api/directory";
import { Empty, ErrorText, Loading } from "../../components/Feedback";
import { useNotices } from "../../components/Notices";
import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n";
import { useLoad } from "../../lib/hooks";
import { describeError } from "../../lib/problems";

/** What may hang under a unit of each kind (workflows/directory/units.py allowed_parent). */
export const CHILD_KINDS: Record<string, string[]> = {
  institution: ["department", "office", "major", "class"],
  department: ["major", "class"],
  major: ["class"],
  office: [],
  class: [],
};

export default function Units() {
  const { t } = useI18n();
  const [showInactive, setShowInactive] = useState(false);
  const [chosen, setChosen] = useState<number | null>(null);
  const { data, error, loading, reload } = useLoad((signal) => directoryCalls.tree(showInactive, signal), [showInactive]);
  const all = data ? flatten(data) : [];
  const unit = all.find((entry) => entry.unit.id === chosen)?.unit ?? null;
  return (
    <section className="page">
      <h1>{t("units.title")}</h1>
      <p className="muted">{t("units.intro")}</p>
      <label className="field-check">
        <input type="checkbox" checked={showInactive} onChange={(e) => setShowInactive(e.target.checked)} />
        {t("units.showInactive")}
      </label>
      {loading && !data && <Loading />}
      <ErrorText error={error} onRetry={reload} />
      {data && data.length === 0 && <Empty text={t("units.none")} />}
      <div className="units-layout">
        {data && data.length > 0 && (
          <ul className="unit-tree" data-testid="unit-tree" aria-label={t("units.title")}>
            {data.map((node) => <TreeNode key={node.id} node={node} chosen={chosen} onChoose={setChosen} />)}
          </ul>
        )}
        {unit && data && (
          <UnitPanel key={unit.id} unit={unit} tree={data} onChanged={(next) => { if (next !== undefined) setChosen(next); reload(); }} />
        )}
      </div>
    </section>
  );
}

function TreeNode({ node, chosen, onChoose }: { node: UnitNode; chosen: number | null; onChoose: (id: number) => void }) {
  const { t } = useI18n();
  return (
    <li>
      <button type="button" className={`unit-node${chosen === node.id ? " unit-chosen" : ""}${node.active ? "" : " unit-inactive"}`}
        aria-pressed={chosen === node.id} onClick={() => onChoose(node.id)} data-unit={node.code}>
        <span className="chip">{kindName(node.kind, t)}</span> {node.name} <code className="small">{node.code}</code>
        {!node.active && <span className="chip">{t("units.inactive")}</span>}
      </button>
      {node.children.length > 0 && (
        <ul>{node.children.map((child) => <TreeNode key={child.id} node={child} chosen={chosen} onChoose={onChoose} />)}</ul>
      )}
    </li>
  );
}

export function kindName(kind: string, t: (key: MessageKey) => string): string {
  return t(`units.kind.${kind}` as MessageKey);
}

function UnitPanel({ unit, tree, onChanged }: { unit: UnitNode; tree: UnitNode[]; onChanged: (chosen?: number) => void }) {
  const { t } = useI18n();
  const { notify } = useNotices();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const kinds = CHILD_KINDS[unit.kind] ?? [];
  const [kind, setKind] = useState(kinds[0] ?? "");
  const [code, setCode] = useState("");
  const [name, setName] = useState("");
  const [rename, setRename] = useState(unit.name);
  const [recode, setRecode] = useState(unit.code);
  const below = new Set(flatten([unit]).map((entry) => entry.unit.id));
  const parents = flatten(tree).filter((entry) => entry.unit.active && !below.has(entry.unit.id)
    && (CHILD_KINDS[entry.unit.kind] ?? []).includes(unit.kind));
  const [parent, setParent] = useState(parents[0]?.unit.id ?? 0);
  const run = async (job: () => Promise<number | undefined>, done: string) => {
    setBusy(true);
    setFailure(null);
    try {
      const next = await job();
      notify("success", done);
      onChanged(next);
    } catch (error) {
      setFailure(error);
      notify("error", describeError(error, t));
    } finally {
      setBusy(false);
    }
  };
  const add = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => (await directoryCalls.createUnit({ kind, code: code.trim(), name: name.trim(), parent_id: unit.id })).id,
      t("units.added", { name: name.trim() }));
  };
  const save = (event: FormEvent) => {
    event.preventDefault();
    const body: { name?: string; code?: string } = {};
    if (rename.trim() !== unit.name) body.name = rename.trim();
    if (recode.trim() !== unit.code) body.code = recode.trim();
    void run(async () => { await directoryCalls.editUnit(unit.id, body); return unit.id; }, t("units.saved", { name: rename.trim() }));
  };
  const move = (event: FormEvent) => {
    event.preventDefault();
    const target = parents.find((entry) => entry.unit.id === parent)?.unit;
    void run(async () => { await directoryCalls.moveUnit(unit.id, parent); return unit.id; },
      t("units.moved", { name: unit.name, parent: target?.name ?? "" }));
  };
  const deactivate = () => {
    if (!window.confirm(t("units.deactivateConfirm", { name: unit.name }))) return;
    void run(async () => { await directoryCalls.deactivateUnit(unit.id); return undefined; }, t("units.deactivated", { name: unit.name }));
  };
  const isRoot = unit.kind === "institution";
  return (
    <div className="card unit-panel" data-testid="unit-panel" aria-label={unit.name} role="region">
      <h2>{unit.name} <code className="small">{unit.code}</code></h2>
      {failure !== null && <ErrorText error={failure} />}
      {unit.active && kinds.length > 0 && (
        <form onSubmit={add} aria-label={t("units.addUnder", { name: unit.name })}>
          <h3>{t("units.addUnder", { name: unit.name })}</h3>
          <div className="field">
            <label htmlFor="unit-kind">{t("units.kindLabel")}</label>
            <select id="unit-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
              {kinds.map((k) => <option key={k} value={k}>{kindName(k, t)}</option>)}
            </select>
          </div>
          <div className="field">
            <label htmlFor="unit-code">{t("units.code")}</label>
            <input id="unit-code" value={code} onChange={(e) => setCode(e.target.value)} required maxLength={32} />
          </div>
          <div className="field">
            <label htmlFor="unit-name">{t("units.name")}</label>
            <input id="unit-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={64} />
          </div>
          <button type="submit" className="btn btn-primary" disabled={busy}>{t("units.add")}</button>
        </form>
      )}
      <form onSubmit={save} aria-label={t("units.rename")}>
        <h3>{t("units.rename")}</h3>
        <div className="field">
          <label htmlFor="unit-rename">{t("units.name")}</label>
          <input id="unit-rename" value={rename} onChange={(e) => setRename(e.target.value)} required maxLength={64} />
        </div>
        <div className="field">
          <label htmlFor="unit-recode">{t("units.code")}</label>
          <input id="unit-recode" value={recode} onChange={(e) => setRecode(e.target.value)} required maxLength={32} />
        </div>
        <button type="submit" className="btn" disabled={busy || (rename.trim() === unit.name && recode.trim() === unit.code)}>
          {t("units.save")}
        </button>
      </form>
      {!isRoot && unit.active && (
        <form onSubmit={move} aria-label={t("units.move")}>
          <h3>{t("units.move")}</h3>
          {parents.length === 0 ? <p className="muted small">{t("units.noParent")}</p> : (
            <>
              <div className="field">
                <label htmlFor="unit-parent">{t("units.newParent")}</label>
                <select id="unit-parent" value={parent} onChange={(e) => setParent(Number(e.target.value))}>
                  {parents.map(({ unit: p, depth }) => (
                    <option key={p.id} value={p.id}>{`${"\u3000".repeat(depth)}${p.name} (${p.code})`}</option>
                  ))}
                </select>
              </div>
              <button type="submit" className="btn" disabled={busy}>{t("units.moveButton")}</button>
            </>
          )}
        </form>
      )}
      {!isRoot && unit.active && (
        <div className="button-row">
          <button type="button" className="btn btn-danger" disabled={busy} onClick={deactivate}>{t("units.deactivate")}</button>
        </div>
      )}
    </div>
  );
}
