import { useFirstRun } from './first-run-store';
import { BrandMark } from '../shell/brand';
import { PassphraseStep } from './passphrase-step';
import { SandboxStep } from './sandbox-step';
import './first-run.css';

/** Two steps on one page: the operator passphrase, then a sandbox tenant. */
export function FirstRun() {
  const step = useFirstRun((s) => s.step);
  return (
    <div className="first-run">
      <div className="first-run-inner">
        <BrandMark />
        <div>
          <h1 className="first-run-title">Set up Keywarden</h1>
          <p className="first-run-lead">Two steps, about a minute. Everything stays on this machine: the embedded local KMS needs no cloud account.</p>
        </div>
        <ol className="steps" aria-label="Setup steps">
          <li className={step === 'passphrase' ? 'step step-current' : 'step step-done'} aria-current={step === 'passphrase' ? 'step' : undefined}>
            <span className="step-num">{step === 'passphrase' ? '1' : '\u2713'}</span>
            Operator passphrase
          </li>
          <li className={step === 'sandbox' ? 'step step-current' : 'step'} aria-current={step === 'sandbox' ? 'step' : undefined}>
            <span className="step-num">2</span>
            Sandbox tenant
          </li>
        </ol>
        {step === 'passphrase' ? <PassphraseStep /> : <SandboxStep />}
      </div>
    </div>
  );
}
