import { useEffect } from 'react';
import type { OverviewProblem, OverviewView } from '../../../../core/api/overview-types';
import { useServices } from '../../app/services-context';
import { Badge } from '../../components/badge';
import { Button } from '../../components/button';
import { ErrorNotice } from '../../components/error-notice';
import { Icon } from '../../components/icon';
import { PageHeader } from '../../components/page-header';
import { Loading } from '../../components/spinner';
import { OverviewCards } from './overview-cards';
import { screenLabel } from './overview-labels';
import { useOverview } from './overview-store';
import './overview.css';

export function OverviewScreen() {
  const { overview: store } = useServices();
  const overview = useOverview((s) => s.overview);
  const error = useOverview((s) => s.error);
  useEffect(() => store.getState().watch(), [store]);
  return (
    <div className="screen">
      <PageHeader
        title="Overview"
        description="Whether custody is in order today: every area with its state and the evidence behind it, problems first with what fixes each."
        actions={
          <Button icon="refresh" onClick={() => void store.getState().load()}>
            Refresh
          </Button>
        }
      />
      {error ? <ErrorNotice error={error} /> : null}
      {!overview && !error ? <Loading>Reading the keyring…</Loading> : null}
      {overview ? (
        <>
          <Problems overview={overview} />
          <OverviewCards overview={overview} />
        </>
      ) : null}
    </div>
  );
}

function Problems({ overview }: { overview: OverviewView }) {
  if (overview.problems.length === 0) {
    return (
      <section className="ov-all-clear card" aria-label="Problems">
        <Icon name="check" size={18} />
        <div>
          <strong>Custody is in order.</strong> No tenant is sealed, keys are within the {overview.policy.rotation_max_age_days}-day rotation policy, and nothing needs you today.
        </div>
      </section>
    );
  }
  const critical = overview.problems.filter((p) => p.severity === 'critical').length;
  return (
    <section className="ov-problems card" aria-label="Problems">
      <header className="card-header">
        <div>
          <div className="card-title">
            {overview.problems.length === 1 ? '1 problem' : `${overview.problems.length} problems`}
            {critical > 0 ? `, ${critical} critical` : ''}
          </div>
          <div className="card-subtitle">Most urgent first. Each says what fixes it.</div>
        </div>
      </header>
      <ol className="ov-problem-list">
        {overview.problems.map((p, i) => (
          <ProblemRow key={`${p.area}-${p.tenant ?? ''}-${i}`} problem={p} />
        ))}
      </ol>
    </section>
  );
}

function ProblemRow({ problem }: { problem: OverviewProblem }) {
  const { nav } = useServices();
  const open = () => nav.getState().go(problem.screen, problem.tenant ?? undefined);
  return (
    <li className="ov-problem" data-severity={problem.severity} data-area={problem.area}>
      <span className="ov-problem-icon" aria-hidden="true">
        <Icon name="alert" size={16} />
      </span>
      <div className="ov-problem-text">
        <div className="ov-problem-title">
          <Badge tone={problem.severity === 'critical' ? 'red' : 'amber'}>{problem.severity === 'critical' ? 'Critical' : 'Warning'}</Badge>
          <span>{problem.title}</span>
        </div>
        <div className="ov-problem-action">
          {problem.action} <code className="mono">{problem.command}</code>
        </div>
      </div>
      <Button onClick={open} aria-label={`Open ${screenLabel(problem.screen)}${problem.tenant ? ` for ${problem.tenant}` : ''}: ${problem.title}`}>
        Open {screenLabel(problem.screen)}
      </Button>
    </li>
  );
}
