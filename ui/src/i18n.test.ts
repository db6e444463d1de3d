import { describe, expect, it } from "vitest";
import { catalogues, qualityLabel, setLocale } from "./i18n";

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

describe("quality in words", () => {
  it("names every quality code, with the PLC's exception code kept", () => {
    setLocale("en");
    expect(qualityLabel("Good")).toBe("Good");
    expect(qualityLabel("Uncertain_Stale")).toBe("stale");
    expect(qualityLabel("Bad_DeviceException(2)")).toBe("PLC exception (2)");
    setLocale("zh-CN");
    expect(qualityLabel("Bad_NoCommunication")).toBe("通信中断");
    expect(qualityLabel("Something_New")).toBe("Something_New");
    setLocale("en");
  });
});
