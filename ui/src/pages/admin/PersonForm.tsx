// Adding a person to the centre: a learner (姓名, 学号, 班级), a staff member (姓名, 工号) or an
// enterprise worker sitting an assessment (姓名, 工作单位); 身份证号 and 手机号 are optional and
// checked by the server, whose Chinese reason is shown under the form.
import { useState } from "react";
import type { FormEvent } from "react";
import { useNavigate } from "react-router";
import { flatten } from "../../api/directory";
import type { UnitNode } from "../../api/directory";
import { peopleCalls } from "../../api/people";
import type { PersonFields } from "../../api/people";
import { ErrorText } from "../../components/Feedback";
import { useNotices } from "../../components/Notices";
import { useI18n } from "../../i18n";

type Kind = "learner" | "staff" | "worker";
const KINDS: Kind[] = ["learner", "staff", "worker"];

export function NewPerson({ tree }: { tree: UnitNode[] }) {
  const { t } = useI18n();
  const { notify } = useNotices();
  const navigate = useNavigate();
  const classes = flatten(tree).filter(({ unit }) => unit.kind === "class" && unit.active);
  const [kind, setKind] = useState<Kind>("learner");
  const [name, setName] = useState("");
  const [number, setNumber] = useState("");
  const [idNumber, setIdNumber] = useState("");
  const [mobile, setMobile] = useState("");
  const [employer, setEmployer] = useState("");
  const [classId, setClassId] = useState(classes[0]?.unit.id ?? 0);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const fields: PersonFields = {
      name: name.trim(), number: number.trim() || null, id_number: idNumber.trim() || null,
      mobile: mobile.trim() || null,
    };
    if (kind === "learner") Object.assign(fields, { class_id: classId, status: "studying" });
    else Object.assign(fields, { status: "employed", employer: kind === "worker" ? employer.trim() : null });
    setBusy(true);
    setFailure(null);
    try {
      const card = await peopleCalls.create(fields);
      notify("success", t("person.created", { name: card.name }));
      navigate(`/admin/people/${card.id}`);
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-label={t("person.new")} data-testid="new-person">
      <h2>{t("person.new")}</h2>
      <fieldset className="field">
        <legend>{t("person.kind")}</legend>
        {KINDS.map((k) => (
          <label key={k} className="field-check">
            <input type="radio" name="person-kind" value={k} checked={kind === k} onChange={() => setKind(k)} />
            {t(`person.kind.${k}`)}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="new-name">{t("person.name")}</label>
        <input id="new-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={64} />
      </div>
      <div className="field">
        <label htmlFor="new-number">{kind === "learner" ? t("person.studentNumber") : t("person.staffNumber")}</label>
        <input id="new-number" value={number} onChange={(e) => setNumber(e.target.value)} required={kind !== "worker"} maxLength={32} />
      </div>
      {kind === "learner" && (
        <div className="field">
          <label htmlFor="new-class">{t("person.class")}</label>
          <select id="new-class" value={classId} onChange={(e) => setClassId(Number(e.target.value))} required>
            {classes.map(({ unit }) => <option key={unit.id} value={unit.id}>{`${unit.name} (${unit.code})`}</option>)}
          </select>
        </div>
      )}
      {kind === "worker" && (
        <div className="field">
          <label htmlFor="new-employer">{t("person.employer")}</label>
          <input id="new-employer" value={employer} onChange={(e) => setEmployer(e.target.value)} required maxLength={128} />
        </div>
      )}
      <div className="field">
        <label htmlFor="new-id-number">{t("person.idNumber")}</label>
        <input id="new-id-number" value={idNumber} onChange={(e) => setIdNumber(e.target.value)} maxLength={18} inputMode="numeric" />
      </div>
      <div className="field">
        <label htmlFor="new-mobile">{t("person.mobile")}</label>
        <input id="new-mobile" value={mobile} onChange={(e) => setMobile(e.target.value)} maxLength={11} inputMode="tel" />
      </div>
      <ErrorText error={failure} />
      <button type="submit" className="btn btn-primary" disabled={busy}>{t("person.create")}</button>
    </form>
  );
}
