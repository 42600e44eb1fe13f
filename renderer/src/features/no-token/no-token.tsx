import { Icon } from '../../components/icon';
import { BrandMark } from '../shell/brand';
import './no-token.css';

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
          The Keywarden web host only answers pages opened from the exact address it printed at start, which carries a one-time token after <code>#token=</code>. This
          address has none, so the window cannot reach your keyring.
        </p>
        <ol>
          <li>
            In a terminal, run <code>npm run keywarden -- serve</code> (or look at the one already running).
          </li>
          <li>
            Open the URL it prints, e.g. <code>http://127.0.0.1:52110/#token=…</code>, including everything after <code>#</code>.
          </li>
        </ol>
        <p className="muted">The token never leaves this machine: it stays in the address fragment, which browsers do not send to servers or in referrers.</p>
      </div>
    </div>
  );
}
