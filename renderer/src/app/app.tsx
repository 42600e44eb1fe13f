import { useEffect } from 'react';
import { Button } from '../components/button';
import { ErrorNotice } from '../components/error-notice';
import { Loading } from '../components/spinner';
import { FirstRun } from '../features/first-run/first-run';
import { WrongToken } from '../features/no-token/no-token';
import { Shell } from '../features/shell/shell';
import { BrandMark } from '../features/shell/brand';
import type { Services } from './services';
import { ServicesProvider, useApp, useServices } from './services-context';
import './app.css';

export function App({ services }: { services: Services }) {
  return (
    <ServicesProvider services={services}>
      <Root />
    </ServicesProvider>
  );
}

function Root() {
  const { app } = useServices();
  const phase = useApp((s) => s.phase);
  useEffect(() => {
    void app.getState().load();
  }, [app]);
  if (phase === 'first-run') return <FirstRun />;
  if (phase === 'ready') return <Shell />;
  return <BootScreen />;
}

/** Loading, or the reason the window cannot reach the engine. */
function BootScreen() {
  const { app } = useServices();
  const phase = useApp((s) => s.phase);
  const error = useApp((s) => s.error);
  // A refused token cannot succeed on retry: that page offers the new address instead.
  if (phase === 'error' && error?.code === 'unauthorized') return <WrongToken />;
  const hint = 'Is the Keywarden host still running? Start it again and reload this page.';
  return (
    <div className="boot">
      <div className="boot-card">
        <BrandMark />
        {phase === 'error' && error ? (
          <>
            <ErrorNotice error={error} hint={hint} />
            <Button variant="primary" icon="refresh" onClick={() => void app.getState().load()}>
              Try again
            </Button>
          </>
        ) : (
          <Loading>Opening the keyring…</Loading>
        )}
      </div>
    </div>
  );
}
