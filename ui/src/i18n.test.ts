import { describe, expect, it } from "vitest";
import { catalogues } from "./i18n";

describe("message catalogues", () => {
  it("every catalogue has exactly the English keys, none empty", () => {
    const keys = Object.keys(catalogues.en).sort();
    for (const [locale, cat] of Object.entries(catalogues)) {
      expect(Object.keys(cat).sort(), locale).toEqual(keys);
      for (const [k, v] of Object.entries(cat)) expect(v.trim(), `${locale}:${k}`).not.toBe("");
    }
  });

  it("the Chinese catalogue is translated, not copied", () => {
    const same = Object.entries(catalogues["zh-CN"]).filter(
      ([k, v]) => v === catalogues.en[k as keyof typeof catalogues.en] && !/^[A-Za-z0-9₂ ]+$/.test(v),
    );
    expect(same).toEqual([]);
  });
});
