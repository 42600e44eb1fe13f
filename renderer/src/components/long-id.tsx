import { middleEllipsis } from '../lib/middle-ellipsis';
import { CopyButton } from './copy-button';

/**
 * A long identifier (ARN, key path, hash, correlation id) shortened in the middle, the
 * full value on hover and to assistive technology, with a copy button.
 */
export function LongId({ value, label, max = 32, copy = true, className }: { value: string; label: string; max?: number; copy?: boolean; className?: string }) {
  const short = middleEllipsis(value, max);
  return (
    <span className={className ? `long-id ${className}` : 'long-id'}>
      <span className="long-id-text mono" title={value} aria-label={short === value ? undefined : value}>
        {short}
      </span>
      {copy ? <CopyButton value={value} label={label} /> : null}
    </span>
  );
}
