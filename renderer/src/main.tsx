/**
 * Entry: pick the transport (preload bridge in Electron, the loopback host over HTTP in
 * a browser), build the services around the typed client, render. Without a bridge and
 * without a token there is nothing to talk to: say so instead of failing blank.
 */
import './styles/tokens.css';
import './styles/base.css';
import './styles/components.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from '../api/client';
import { pickTransport, type Transport } from '../api/transport';
import { App } from './app/app';
import { createServices } from './app/services';
import { NoToken } from './features/no-token/no-token';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root');
const root = createRoot(container);

let transport: Transport | null = null;
try {
  transport = pickTransport(window);
} catch {
  transport = null;
}

root.render(<StrictMode>{transport ? <App services={createServices(createClient(transport))} /> : <NoToken />}</StrictMode>);
