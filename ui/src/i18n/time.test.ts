// Times are shown in Beijing time, in Chinese, wherever the browser runs.
import { describe, expect, it } from "vitest";
import { dateFormatter, dateTimeFormatter, isIsoDateTime } from "./index";

describe("Beijing time", () => {
  it("shows a UTC timestamp as the Beijing clock reads it", () => {
    expect(dateTimeFormatter("zh-CN")("2026-12-12T00:00:00.000Z")).toBe("2026年12月12日 08:00");
    expect(dateTimeFormatter("zh-CN")("2026-12-11T17:30:00+00:00")).toBe("2026年12月12日 01:30");
    expect(dateFormatter("zh-CN")("2026-12-11T17:30:00Z")).toBe("2026年12月12日");
    expect(dateFormatter("zh-CN")("2026-12-12")).toBe("2026年12月12日");
  });

  it("recognises stored timestamps only", () => {
    expect(isIsoDateTime("2026-12-12T00:00:00.000Z")).toBe(true);
    expect(isIsoDateTime("2026-12-12")).toBe(false);
    expect(isIsoDateTime("NC-RZ-2026")).toBe(false);
  });
});
