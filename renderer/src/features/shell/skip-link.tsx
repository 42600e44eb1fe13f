/**
 * The first Tab stop: jumps past the sidebar to the screen's content. It moves focus
 * itself rather than following `#main`, because the web host's token lives in the URL's
 * fragment and must not be replaced.
 */
export function SkipLink() {
  return (
    <a
      className="skip-link"
      href="#main"
      onClick={(e) => {
        e.preventDefault();
        focusMain();
      }}
    >
      Skip to content
    </a>
  );
}

/** Focus to the screen's content (the main landmark), e.g. after a screen change from elsewhere. */
export function focusMain(): void {
  document.getElementById('main')?.focus();
}
