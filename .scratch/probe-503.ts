import { Storage } from '@google-cloud/storage';
import { OAuth2Client } from 'google-auth-library';
import { startGcsFake, DEFAULT_GCS_TOKEN } from '../test/fakes/gcp/storage';
(async () => {
  const fake = await startGcsFake();
  fake.put('b1', 'a.json', 'x\n');
  const auth = new OAuth2Client(); auth.setCredentials({ access_token: DEFAULT_GCS_TOKEN, expiry_date: Date.now() + 3600_000 });
  const adapter = { universeDomain: 'googleapis.com', getRequestHeaders: async (url?: string) => Object.fromEntries((await auth.getRequestHeaders(url)) as any) };
  const storage = new Storage({ apiEndpoint: fake.url, authClient: adapter as any, useAuthWithCustomEndpoint: true, projectId: 'p', retryOptions: { autoRetry: false } });
  fake.throttleNext(1, 503);
  const t = Date.now();
  const s = storage.bucket('b1').file('a.json').createReadStream({ validation: 'md5' });
  s.on('error', (e) => console.log('err after', Date.now() - t, (e as any).code));
  s.once('readable', () => console.log('readable', Date.now() - t));
  setTimeout(() => console.log(fake.requests().length), 3000);
})();
