/**
 * Walks a page with the Tab key and reports, for each stop, what got focus and whether a
 * focus indicator shows (a computed outline or box-shadow) with at least 3:1 contrast
 * against what is behind it; and which interactive elements Tab never reached.
 */
import type { Page } from 'playwright-core';

export interface FocusStop {
  /** tag, role and accessible-ish name: `button "Rotate master key"` */
  label: string;
  /** outline or box-shadow present */
  indicator: boolean;
  /** The indicator's colour against the nearest opaque background behind the element. */
  contrast: number | null;
  /** inside the element that walk was limited to (a dialog), or the page */
  inside: boolean;
}

export interface FocusWalk {
  stops: FocusStop[];
  /** Focusable, visible controls in the scope that Tab never reached. */
  unreached: string[];
  /** Tab came back to where it started (no trap, or the dialog's deliberate one). */
  cycled: boolean;
}

/** Runs in the page: a label for an element, its indicator, and its contrast. */
const PAGE_HELPERS = `
window.__kwLabel = (el) => {
  if (!el || el === document.body) return 'body';
  const role = el.getAttribute('role');
  const name = (el.getAttribute('aria-label') || (el.labels && el.labels[0] && el.labels[0].textContent) || el.textContent || el.getAttribute('placeholder') || el.getAttribute('title') || el.value || '').replace(/\\s+/g, ' ').trim().slice(0, 50);
  return el.tagName.toLowerCase() + (role ? '[' + role + ']' : '') + (el.type && el.tagName === 'INPUT' ? '[' + el.type + ']' : '') + ' "' + name + '"';
};
window.__kwParse = (c) => {
  const m = c.match(/rgba?\\(([^)]+)\\)/);
  if (!m) return null;
  const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
  return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
};
window.__kwLum = (c) => {
  const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
};
window.__kwBehind = (el) => {
  // Layers of background from the root down to the element's parent, blended.
  const chain = [];
  for (let n = el.parentElement; n; n = n.parentElement) chain.unshift(n);
  let base = { r: 255, g: 255, b: 255 };
  for (const n of chain) {
    const c = window.__kwParse(getComputedStyle(n).backgroundColor);
    if (c && c.a > 0) base = { r: c.r * c.a + base.r * (1 - c.a), g: c.g * c.a + base.g * (1 - c.a), b: c.b * c.a + base.b * (1 - c.a) };
  }
  return base;
};
window.__kwFocus = (el) => {
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const shadow = s.boxShadow && s.boxShadow !== 'none';
  let colour = null;
  if (outline) colour = window.__kwParse(s.outlineColor);
  else if (shadow) colour = window.__kwParse(s.boxShadow);
  let contrast = null;
  if (colour) {
    const behind = window.__kwBehind(el);
    const c = { r: colour.r * colour.a + behind.r * (1 - colour.a), g: colour.g * colour.a + behind.g * (1 - colour.a), b: colour.b * colour.a + behind.b * (1 - colour.a) };
    const a = window.__kwLum(c), b = window.__kwLum(behind);
    contrast = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  }
  return { indicator: Boolean(outline || shadow), contrast };
};
window.__kwFocusable = (scope) => {
  const sel = 'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';
  return [...scope.querySelectorAll(sel)].filter((el) => {
    if (el.closest('[inert]')) return false;
    // Inside a closed <details> or otherwise not rendered: not a Tab stop, rightly.
    if (el.checkVisibility && !el.checkVisibility({ visibilityProperty: true, contentVisibilityAuto: true })) return false;
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && el.tabIndex >= 0;
  });
};
`;

export async function installFocusHelpers(page: Page): Promise<void> {
  await page.addInitScript(PAGE_HELPERS);
  await page.evaluate(PAGE_HELPERS);
}

/**
 * Tabs from the start of `scope` (a CSS selector; the whole page by default) until focus
 * comes back to the first stop, at most `max` times.
 */
export async function walkFocus(page: Page, scope = 'body', max = 250): Promise<FocusWalk> {
  const stops: FocusStop[] = [];
  const reached = new Set<string>();
  let first: string | null = null;
  let cycled = false;
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate((sel) => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const w = window as unknown as { __kwLabel(e: Element): string; __kwFocus(e: Element): { indicator: boolean; contrast: number | null } };
      if (!el.dataset.kwWalk) el.dataset.kwWalk = String(Math.random()).slice(2);
      return { id: el.dataset.kwWalk, label: w.__kwLabel(el), ...w.__kwFocus(el), inside: Boolean(document.querySelector(sel)?.contains(el)) };
    }, scope);
    if (!stop) continue; // the browser's own UI between the last control and the first
    if (stop.id === first) {
      cycled = true;
      break;
    }
    first ??= stop.id;
    reached.add(stop.id);
    stops.push({ label: stop.label, indicator: stop.indicator, contrast: stop.contrast, inside: stop.inside });
  }
  const unreached = await page.evaluate(
    ({ sel, ids }) => {
      const w = window as unknown as { __kwLabel(e: Element): string; __kwFocusable(s: Element): HTMLElement[] };
      const scope = document.querySelector(sel);
      return scope ? w.__kwFocusable(scope).filter((el) => !ids.includes(el.dataset.kwWalk ?? '')).map((el) => w.__kwLabel(el)) : [];
    },
    { sel: scope, ids: [...reached] },
  );
  return { stops, unreached, cycled };
}
