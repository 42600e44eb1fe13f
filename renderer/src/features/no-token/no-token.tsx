import { Icon } from '../../components/icon';
import { BrandMark } from '../shell/brand';
import './no-token.css';

/** The two steps to a working address, said the same way on both pages. */
function Steps() {
  return (
    <ol>
      <li>
        In a terminal, run <span className="mono">npm run keywarden -- serve</span> (or look at the one already running).
      </li>
      <li>
        Open the address it prints, for example <span className="mono">http://127.0.0.1:52110/#token=…</span>, including everything after the # sign.
      </li>
    </ol>
  );
}

/**
 * Shown when the host refused this window's token (a restarted host has a new one). No
 * "Try again": the same token would be refused again; only the new address works.
 */
export function WrongToken() {
  return (
    <div className="no-token">
      <div className="no-token-card card" role="alert">
        <BrandMark />
        <div className="no-token-head">
          <Icon name="lock" size={18} />
          <h1>This address’s token is no longer accepted</h1>
        </div>
        <p>The Keywarden web host refused the token in this address. Each time the host starts it makes a new one, so an address from an earlier start stops working.</p>
        <Steps />
        <p className="muted">The token never leaves this machine: it stays in the address fragment, which browsers do not send to servers or in referrers.</p>
      </div>
    </div>
  );
}

/** Shown when the page was opened without the host's token (and not inside Electron). */
export function NoToken() {
  return (
    <div className="no-token">
      <div className="no-token-card card" role="alert">
        <BrandMark />
        <div className="no-token-head">
          <Icon name="lock" size={18} />
          <h1>This window needs its access token</h1>
        </div>
        <p>
          The Keywarden web host only answers pages opened from the exact address it printed at start, which carries a one-time token after <span className="mono">#token=</span>.
          This address has none, so the window cannot reach your keyring.
        </p>
        <Steps />
        <p className="muted">The token never leaves this machine: it stays in the address fragment, which browsers do not send to servers or in referrers.</p>
      </div>
    </div>
  );
}
