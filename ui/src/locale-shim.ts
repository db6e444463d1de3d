// A process started with LANG=C (a service, a bare kiosk session, a test under Xvfb) gives WebKit
// the browser language "C", which is not a BCP 47 tag: `new Intl.NumberFormat(navigator.language)`
// then throws, and libraries that format numbers at load time (uPlot) stop the whole UI from
// starting. Before anything else loads, replace an invalid tag with en-US. Imported first by main.
export function usableLanguage(tag: string): string {
  try {
    new Intl.NumberFormat(tag);
    return tag;
  } catch {
    return "en-US";
  }
}

if (typeof navigator !== "undefined") {
  const tag = usableLanguage(navigator.language);
  if (tag !== navigator.language) {
    Object.defineProperty(navigator, "language", { value: tag, configurable: true });
    Object.defineProperty(navigator, "languages", { value: [tag], configurable: true });
  }
}
