import { ClientSecretCredential } from '@azure/identity';
import tls from 'node:tls';
import { startBlobFake } from '../test/fakes/azure/blob-storage';
import { AzblobStore } from '../core/evidence/archive/azblob-store';
(async () => {
  const fake = await startBlobFake();
  fake.registerApp({ clientId: 'c1', clientSecret: 's1' });
  for (let h = 0; h < 5; h++) fake.put('acct1', 'insights-logs-auditevent', `resourceId=/SUBSCRIPTIONS/S1/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/KV1/y=2026/m=01/d=05/h=0${h}/m=00/PT1H.json`, `{"a":${h}}\n`);
  const ca = { ca: [...tls.rootCertificates, fake.caPem] };
  const cred = new ClientSecretCredential(fake.tenantId, 'c1', 's1', { authorityHost: fake.url, disableInstanceDiscovery: true, tlsOptions: ca } as any);
  const store = new AzblobStore({ account: 'acct1', container: 'insights-logs-auditevent', location: 'azblob://acct1/insights-logs-auditevent', endpoint: fake.url, credential: cred, timeoutMs: 3000, userAgent: 'kw-test', tlsOptions: ca, pageSize: 2, sleep: async () => {} });
  const ac = new AbortController();
  console.log(await store.folders('resourceId=/SUBSCRIPTIONS/S1/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/', ac.signal));
  const all = [];
  for await (const o of store.deep('resourceId=/', ac.signal)) all.push(o);
  console.log(all.map((o) => `${o.key} ${o.size} ${o.md5} ${o.etag}`));
  const opened = await store.open(all[0]!, ac.signal);
  for await (const c of opened.stream) console.log('chunk', String(c));
  fake.busyNext(2);
  const o2 = await store.open(all[1]!, ac.signal);
  for await (const c of o2.stream) console.log('after busy', String(c));
  fake.cutDownload('acct1', 'insights-logs-auditevent', all[2]!.key);
  try { const o3 = await store.open(all[2]!, ac.signal); for await (const c of o3.stream) console.log('cut', String(c)); } catch (e: any) { console.log('ERRcut', e.kind, e.message); }
  fake.busyNext(10);
  try { for await (const o of store.deep('resourceId=/', ac.signal)) void o; } catch (e: any) { console.log('ERRbusy', e.kind, e.message); }
  fake.busyNext(0);
  fake.denyContainer('acct1', 'insights-logs-auditevent', 'c1');
  try { for await (const o of store.deep('resourceId=/', ac.signal)) void o; } catch (e: any) { console.log('ERRdeny', e.kind, e.message); }
  console.log(fake.requests().map((r) => `${r.method} ${r.path} ${JSON.stringify(r.query)} ${r.appId} ${r.status}`).join('\n'));
  await fake.close();
})();
