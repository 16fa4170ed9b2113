// The catalogues stay in step, and screens do not hard-code text outside them.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import en from "./en.json";
import zh from "./zh-CN.json";

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

describe("message catalogues", () => {
  it("have the same keys and placeholders in both languages", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
    for (const key of Object.keys(zh) as (keyof typeof zh)[]) {
      expect(placeholders(en[key]), key).toEqual(placeholders(zh[key]));
    }
  });

  it("are the only place with Chinese text or JSX text nodes", () => {
    const offenders: string[] = [];
    for (const file of sources(join(__dirname, ".."))) {
      const text = readFileSync(file, "utf8").replace(/\/\/.*$/gm, "").replace(/\/\*[\s\S]*?\*\//g, "");
      if (/[\u4e00-\u9fff]/.test(text)) offenders.push(`${file}: Chinese text`);
      if (file.endsWith(".tsx")) {
        for (const match of text.matchAll(/(?<!=)>\s*([A-Za-z][A-Za-z ,.'!?]{2,})\s*</g)) offenders.push(`${file}: "${match[1]}"`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
