export function Spinner({ size = 14, label }: { size?: number; label?: string }) {
  return (
    <span className="spinner" role={label ? 'status' : undefined} aria-label={label}>
      <svg width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" strokeOpacity="0.25" strokeWidth="3" />
        <path d="M21 12a9 9 0 0 0-9-9" fill="none" stroke="currentColor" strokeWidth="3" strokeLinecap="round" />
      </svg>
    </span>
  );
}

/** A spinner with a sentence, for whole panels that are loading. */
export function Loading({ children }: { children: string }) {
  return (
    <div className="loading" role="status">
      <Spinner size={16} />
      <span>{children}</span>
    </div>
  );
}
