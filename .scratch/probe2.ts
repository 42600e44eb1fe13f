import { Storage } from '@google-cloud/storage';
import { OAuth2Client } from 'google-auth-library';
(async () => {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: 'tok', expiry_date: Date.now() + 3600_000 });
  const storage = new Storage({ apiEndpoint: 'http://127.0.0.1:9', authClient: auth as any, useAuthWithCustomEndpoint: true, projectId: 'p' });
  console.log((storage as any).useAuthWithCustomEndpoint, (storage as any).customEndpoint);
  console.log(await (storage as any).authClient.authorizeRequest({ headers: {} }));
  console.log(await auth.getRequestHeaders());
})();
