import { Storage } from '@google-cloud/storage';
import { OAuth2Client } from 'google-auth-library';
import { startGcsFake, DEFAULT_GCS_TOKEN } from '../test/fakes/gcp/storage';
process.env.METADATA_SERVER_DETECTION = 'none';
(async () => {
  const fake = await startGcsFake();
  for (let i = 0; i < 5; i++) fake.put('b1', `cloudaudit.googleapis.com/data_access/2026/01/0${i}/00:00:00_00:59:59_S0.json`, `{"a":${i}}\n{"b":2}\n`);
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: DEFAULT_GCS_TOKEN, expiry_date: Date.now() + 3600_000 });
  const adapter = { universeDomain: 'googleapis.com', getRequestHeaders: async (url?: string) => Object.fromEntries((await auth.getRequestHeaders(url)) as any) };
  const storage = new Storage({ apiEndpoint: fake.url, authClient: adapter as any, useAuthWithCustomEndpoint: true, projectId: 'p', retryOptions: { autoRetry: false } });
  const [files, next, resp] = await storage.bucket('b1').getFiles({ prefix: 'cloudaudit', autoPaginate: false, maxResults: 2 });
  console.log(files.map((f) => f.name), next, (resp as any)?.nextPageToken);
  const s = storage.bucket('b1').file(files[0]!.name).createReadStream({ validation: 'md5' });
  for await (const c of s) console.log('chunk', String(c));
  fake.throttleNext(1, 503);
  try { await storage.bucket('b1').getFiles({ prefix: 'x', autoPaginate: false }); } catch (e: any) { console.log('ERR', e.code, e.message, e.constructor.name); }
  //fake.cutDownload('b1', files[1]!.name);
  if (0) try { for await (const c of storage.bucket("b1").file(files[1]!.name).createReadStream()) console.log('c', String(c)); } catch (e: any) { console.log('ERRcut', e.code, e.name, e.message); }
  fake.denyBucket('b1');
  try { await storage.bucket('b1').getFiles({ prefix: 'x', autoPaginate: false }); } catch (e: any) { console.log('ERR', e.code, e.message); }
  try { for await (const c of storage.bucket('b1').file(files[0]!.name).createReadStream()) console.log(c); } catch (e: any) { console.log('ERR2', e.code, e.message); }
  console.log(fake.requests().map((r) => `${r.method} ${r.path} ${JSON.stringify(r.query)} ${r.principal} ${r.status}`).join('\n'));
  await fake.close();
})();
