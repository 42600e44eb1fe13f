/**
 * A year of provider evidence at a glance: per provider, one square per UTC day (weeks as
 * columns, Monday on top), coloured by where the day's evidence came from and whether the
 * archive files checked out, with the legend in words. The days are one tab stop (roving
 * focus: arrows move by day and week, Home/End to the ends); the focused or hovered day's
 * description shows in a tooltip and is the square's accessible name.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { ProviderCoverage } from '../../../../core/evidence/archive/types';
import { useServices } from '../../app/services-context';
import { ErrorNotice } from '../../components/error-notice';
import { plural, providerLabel } from '../../lib/format';
import { archiveStoreFor, useArchive } from './archive-store';
import { DAY_STATUS_ORDER, DAY_STATUS_WORDS, dayStatus, describeDay } from './coverage-day';

export function CoverageCalendar() {
  const { client } = useServices();
  const store = archiveStoreFor(client);
  const calendar = useArchive(store, (s) => s.calendar);
  const error = useArchive(store, (s) => s.calendarError);
  const tenant = useArchive(store, (s) => s.form.tenant);

  useEffect(() => {
    void store.getState().loadCalendar();
  }, [store, tenant]);

  return (
    <section className="card ev-calendar" aria-label="Evidence coverage calendar">
      <div className="card-header">
        <div className="card-title">Coverage, last 12 months</div>
        {calendar ? (
          <span className="muted">
            {calendar.tenant ?? 'all tenants'} · {calendar.from.slice(0, 10)} → {lastDay(calendar.to)} (UTC)
          </span>
        ) : null}
      </div>
      {error ? <ErrorNotice error={error} /> : null}
      <ul className="cal-legend" aria-label="Legend">
        {DAY_STATUS_ORDER.map((s) => (
          <li key={s}>
            <span className="cal-swatch" data-status={s} aria-hidden="true" />
            {DAY_STATUS_WORDS[s]}
          </li>
        ))}
      </ul>
      {calendar && calendar.providers.length === 0 ? <p className="muted ev-pad">No cloud provider evidence yet: fetch the provider logs or import an archive.</p> : null}
      {calendar?.providers.map((p) => <ProviderYear key={p.provider} coverage={p} />)}
    </section>
  );
}

/** The last day of a period whose end is exclusive. */
const lastDay = (toIso: string) => new Date(Date.parse(toIso) - 1).toISOString().slice(0, 10);

/** Monday = 0. */
const weekday = (day: string) => (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function ProviderYear({ coverage }: { coverage: ProviderCoverage }) {
  const days = coverage.days;
  const name = providerLabel(coverage.provider);
  const [chosen, setActive] = useState(Math.max(0, days.length - 1));
  const active = Math.min(chosen, Math.max(0, days.length - 1)); // a shorter period keeps a valid day
  const [shown, setShown] = useState<number | null>(null);
  const cells = useRef<(HTMLButtonElement | null)[]>([]);
  const tipRef = useRef<HTMLDivElement>(null);
  const tipId = useId();
  const lead = days.length > 0 ? weekday(days[0]!.day) : 0;
  const weeks = Math.ceil((lead + days.length) / 7);

  // The tooltip sits above the shown square, outside the scrolling strip so it is never
  // clipped (positioned through CSSOM: no inline style attribute for the CSP to refuse).
  useEffect(() => {
    const tip = tipRef.current;
    const cell = shown === null ? null : cells.current[shown];
    const box = tip?.offsetParent;
    if (!tip || !cell || !box) return;
    const c = cell.getBoundingClientRect();
    const b = box.getBoundingClientRect();
    const half = Math.min(160, tip.offsetWidth / 2);
    tip.style.left = `${Math.min(Math.max(c.left - b.left + c.width / 2, half), b.width - half)}px`;
    tip.style.top = `${c.top - b.top}px`;
  }, [shown]);

  const move = (to: number) => {
    const i = Math.min(days.length - 1, Math.max(0, to));
    setActive(i);
    setShown(i);
    cells.current[i]?.focus();
  };
  const onKey = (e: KeyboardEvent) => {
    const step: Record<string, number> = { ArrowRight: 7, ArrowLeft: -7, ArrowDown: 1, ArrowUp: -1 };
    if (e.key in step) move(active + step[e.key]!);
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(days.length - 1);
    else if (e.key === 'Escape') setShown(null);
    else return;
    e.preventDefault();
  };

  const months: { col: number; label: string }[] = [];
  days.forEach((d, i) => {
    if (d.day.endsWith('-01') || i === 0) months.push({ col: Math.floor((lead + i) / 7), label: MONTHS[Number(d.day.slice(5, 7)) - 1]! });
  });

  return (
    <div className="cal-provider" data-provider={coverage.provider}>
      <div className="cal-provider-head">
        <strong>{name}</strong>
        <span className={coverage.days_without > 0 ? 'cal-gap' : 'muted'}>{coverage.days_without > 0 ? `${plural(coverage.days_without, 'day')} without evidence` : 'Every day has evidence'}</span>
      </div>
      <div className="cal-scroll">
        <div className="cal-body" onMouseLeave={() => setShown(null)}>
          <div className="cal-months" aria-hidden="true" ref={(el) => el?.style.setProperty('--cal-weeks', String(weeks))}>
            {months.map((m) => (
              <span key={`${m.col}-${m.label}`} ref={(el) => el?.style.setProperty('grid-column', String(m.col + 1))}>
                {m.label}
              </span>
            ))}
          </div>
          <div className="cal-grid" role="group" aria-label={`${name} evidence per day, ${days[0]?.day ?? ''} to ${days.at(-1)?.day ?? ''}`} onKeyDown={onKey}>
            {Array.from({ length: lead }, (_, i) => (
              <span key={`pad-${i}`} className="cal-pad" aria-hidden="true" />
            ))}
            {days.map((d, i) => {
              const text = describeDay(d, name);
              return (
                <button
                  key={d.day}
                  ref={(el) => {
                    cells.current[i] = el;
                  }}
                  type="button"
                  className="cal-day"
                  data-status={dayStatus(d)}
                  data-day={d.day}
                  tabIndex={i === active ? 0 : -1}
                  aria-label={text}
                  aria-describedby={shown === i ? tipId : undefined}
                  onFocus={() => {
                    setActive(i);
                    setShown(i);
                  }}
                  onBlur={() => setShown((s) => (s === i ? null : s))}
                  onMouseEnter={() => setShown(i)}
                />
              );
            })}
          </div>
        </div>
      </div>
      <div ref={tipRef} id={tipId} role="tooltip" className="cal-tip" hidden={shown === null}>
        {shown !== null && days[shown] ? describeDay(days[shown], name) : ''}
      </div>
    </div>
  );
}
