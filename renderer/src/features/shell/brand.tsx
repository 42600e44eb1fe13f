/** The Keywarden mark: a keyhole in a shield, drawn inline. */
export function Logo({ size = 28 }: { size?: number }) {
  return (
    <svg className="logo" width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" fill="#4f46e5" />
      <path d="M16 6.5l8 3v6.2c0 4.8-3.3 8.9-8 10-4.7-1.1-8-5.2-8-10V9.5l8-3z" fill="none" stroke="#fff" strokeWidth="1.8" strokeLinejoin="round" />
      <circle cx="16" cy="14.2" r="2.3" fill="#fff" />
      <path d="M15 15.8h2l.6 4.2h-3.2z" fill="#fff" />
    </svg>
  );
}

export function BrandMark({ inverted = false }: { inverted?: boolean }) {
  return (
    <div className={inverted ? 'brand brand-inverted' : 'brand'}>
      <Logo />
      <div className="brand-text">
        <span className="brand-name">Keywarden</span>
        <span className="brand-tagline">Key custody audit</span>
      </div>
    </div>
  );
}
