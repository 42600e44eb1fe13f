import { useState } from 'react';
import type { TenantView } from '../../../../core/api/types';
import { Button } from '../../components/button';
import { UnsealDialog } from './unseal-dialog';

/** The sealed banner's action: a manual unseal attempt. A permanent seal offers none. */
export function UnsealButton({ tenant }: { tenant: TenantView }) {
  const [open, setOpen] = useState(false);
  if (!tenant.sealed_since || tenant.sealed_permanently) return null;
  return (
    <>
      <Button size="sm" variant="primary" icon="lock" onClick={() => setOpen(true)}>
        Unseal…
      </Button>
      {open ? <UnsealDialog tenant={tenant} onClose={() => setOpen(false)} /> : null}
    </>
  );
}
