// Pages live in the URL hash, with optional parameters after a "?": `#trends?tags=nox_ref&from=…&to=…`
// opens Trends on those tags over that window (the Emissions page links there from a day's hours).

export interface Route {
  page: string;
  params: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const h = hash.startsWith("#") ? hash.slice(1) : hash;
  const q = h.indexOf("?");
  return q < 0
    ? { page: h, params: new URLSearchParams() }
    : { page: h.slice(0, q), params: new URLSearchParams(h.slice(q + 1)) };
}

/** A link to Trends showing `tags` over `[from, to)` (epoch ms). */
export function trendLink(tags: readonly string[], from: number, to: number): string {
  const p = new URLSearchParams({ tags: tags.join(","), from: String(from), to: String(to) });
  return `#trends?${p.toString()}`;
}

/** What a Trends link asks for, if the route carries one that makes sense. */
export function trendRequest(r: Route): { tags: string[]; from: number; to: number } | null {
  const tags = (r.params.get("tags") ?? "").split(",").filter(Boolean);
  const from = Number(r.params.get("from"));
  const to = Number(r.params.get("to"));
  if (r.page !== "trends" || tags.length === 0 || !Number.isFinite(from) || !Number.isFinite(to) || to <= from) return null;
  return { tags, from, to };
}
