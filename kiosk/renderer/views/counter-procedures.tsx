import { useState, type ReactNode } from 'react';
import type { CounterView, StaffInput } from '../../../shared/contracts/ui/counter.ts';
import { useI18n } from '../i18n.tsx';
import { personLabel } from './counter-resident.tsx';

type Call = (method: string, params?: unknown) => void;
type Values = Readonly<Record<string, string>>;

/** Phases in which staff may (re)choose the visit's procedures. */
const CHOOSING = new Set(['person-ready', 'review', 'print-failed']);

const nonEmpty = (v: Values): Record<string, string> =>
  Object.fromEntries(Object.entries(v).filter(([, s]) => s.trim() !== ''));

function Input(props: {
  id: string;
  input: StaffInput;
  value: string;
  onChange: (v: string) => void;
  suffix?: string;
}): ReactNode {
  const { id, input, value, onChange, suffix } = props;
  return (
    <div className="field">
      <label htmlFor={id}>
        {input.label}
        {suffix ? ` — ${suffix}` : ''}
      </label>
      <input
        id={id}
        type={input.date ? 'date' : 'text'}
        value={value}
        maxLength={200}
        autoComplete="off"
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}

/**
 * Every procedure of the visit, per person in a household case, and what staff type for the
 * chosen forms (転入日, 使用目的 …). Sent as one choice; staff may change it at the review.
 */
export function CounterProcedures({ view, call }: { view: CounterView; call: Call }): ReactNode {
  const { t } = useI18n();
  const { procedures, persons } = view.staff;
  const [chosen, setChosen] = useState<Readonly<Record<string, readonly string[]>>>(() =>
    Object.fromEntries(view.staff.chosen.map((c) => [c.id, c.persons])),
  );
  const [caseInputs, setCaseInputs] = useState<Values>({});
  const [personInputs, setPersonInputs] = useState<Readonly<Record<string, Values>>>({});
  if (!CHOOSING.has(view.phase) || persons.length === 0) return null;

  const ids = persons.map((p) => p.id);
  const toggle = (proc: string, person: string, on: boolean): void =>
    setChosen((c) => {
      const now = new Set(c[proc] ?? []);
      if (on) now.add(person);
      else now.delete(person);
      return { ...c, [proc]: ids.filter((id) => now.has(id)) };
    });
  const picked = procedures.filter((p) => (chosen[p.id] ?? []).length > 0);
  const inputs = new Map<string, StaffInput>();
  for (const p of picked) for (const i of p.inputs) if (!inputs.has(i.key)) inputs.set(i.key, i);
  const caseLevel = [...inputs.values()].filter((i) => !i.perPerson);
  const perPerson = [...inputs.values()].filter((i) => i.perPerson);
  const submit = (): void => {
    call('counter.chooseProcedures', {
      procedures: picked.map((p) => ({ id: p.id, persons: chosen[p.id] ?? [] })),
      inputs: {
        case: nonEmpty(caseInputs),
        persons: Object.fromEntries(
          Object.entries(personInputs).map(([person, v]) => [person, nonEmpty(v)]),
        ),
      },
    });
  };

  return (
    <section className="procedures" aria-labelledby="procedures-title" data-testid="procedures">
      <h3 id="procedures-title">{t('ctrProcedures')}</h3>
      {procedures.map((p) => {
        const badge = p.myNumberUse ? (
          <span className="badge badge-mn">{t('ctrMyNumberUse')}</span>
        ) : null;
        const box = (person: string, label: string): ReactNode => (
          <label key={person} className="check">
            <input
              type="checkbox"
              checked={(chosen[p.id] ?? []).includes(person)}
              onChange={(e) => toggle(p.id, person, e.target.checked)}
            />
            {label}
          </label>
        );
        // One person: a checkbox per form; a household: a checkbox per person of each form.
        return ids.length === 1 ? (
          <div key={p.id} className="procedure procedure-one">
            {box(ids[0] as string, p.title)}
            {badge}
          </div>
        ) : (
          <fieldset key={p.id} className="procedure">
            <legend>
              {p.title}
              {badge}
            </legend>
            {ids.map((person) => box(person, personLabel(t, person)))}
          </fieldset>
        );
      })}
      {inputs.size > 0 ? (
        <fieldset className="inputs">
          <legend>{t('ctrStaffInputs')}</legend>
          {caseLevel.map((i) => (
            <Input
              key={i.key}
              id={`input-${i.key}`}
              input={i}
              value={caseInputs[i.key] ?? ''}
              onChange={(v) => setCaseInputs((c) => ({ ...c, [i.key]: v }))}
            />
          ))}
          {perPerson.flatMap((i) =>
            ids.map((person) => (
              <Input
                key={`${i.key}-${person}`}
                id={`input-${i.key}-${person}`}
                input={i}
                suffix={personLabel(t, person)}
                value={personInputs[person]?.[i.key] ?? ''}
                onChange={(v) =>
                  setPersonInputs((c) => ({ ...c, [person]: { ...c[person], [i.key]: v } }))
                }
              />
            )),
          )}
        </fieldset>
      ) : null}
      <button type="button" className="primary" disabled={picked.length === 0} onClick={submit}>
        {t('ctrMakeForms')}
      </button>
    </section>
  );
}
