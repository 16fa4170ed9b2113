// A tiny typed translation helper: every user-facing string lives in zh-CN.json / en.json.
// zh-CN is the default; English is a switch kept in localStorage.
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";
import type { ReactNode } from "react";
import zhCN from "./zh-CN.json";
import en from "./en.json";

export type MessageKey = keyof typeof zhCN;
export type Lang = "zh-CN" | "en";
export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

export const catalogues: Record<Lang, Record<MessageKey, string>> = { "zh-CN": zhCN, en };
const STORAGE_KEY = "certflow.lang";

export function format(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export function translator(lang: Lang): Translate {
  const messages = catalogues[lang];
  return (key, params) => format(messages[key] ?? catalogues["zh-CN"][key] ?? key, params);
}

/** Look up a key built at run time (a status, a group id); undefined when it is not catalogued. */
export function maybeKey(key: string): MessageKey | undefined {
  return key in zhCN ? (key as MessageKey) : undefined;
}

/** Every time is shown in Beijing time, wherever the browser is: the schools' own clock. */
export const TIME_ZONE = "Asia/Shanghai";
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** True for a stored timestamp ("2026-12-12T00:00:00.000Z"). */
export function isIsoDateTime(value: unknown): value is string {
  return typeof value === "string" && ISO_DATE_TIME.test(value);
}

function safe(f: Intl.DateTimeFormat) {
  return (iso: string | null | undefined) => {
    if (!iso) return "";
    // a bare date is a calendar day, not midnight UTC: shown as that day
    const parsed = new Date(DATE_ONLY.test(iso) ? `${iso}T12:00:00+08:00` : iso);
    if (Number.isNaN(parsed.getTime())) return iso;
    return f.format(parsed);
  };
}

/** "2026年12月12日 08:00" (zh-CN) in Beijing time. */
export function dateTimeFormatter(lang: Lang): (iso: string | null | undefined) => string {
  return safe(new Intl.DateTimeFormat(lang, { year: "numeric", month: lang === "en" ? "short" : "long", day: "numeric",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: TIME_ZONE }));
}

/** "2026年12月12日" (zh-CN), the day in Beijing. */
export function dateFormatter(lang: Lang): (iso: string | null | undefined) => string {
  return safe(new Intl.DateTimeFormat(lang, { year: "numeric", month: lang === "en" ? "short" : "long", day: "numeric",
    timeZone: TIME_ZONE }));
}

/** The language the person chose (read on every call, so a switch applies at once): the API
 * answers problems in it (``Accept-Language``), whatever the browser's own language is. */
export function currentLang(): Lang {
  return initialLang();
}

/** ``Accept-Language`` for API requests: the chosen language, not the browser's. */
export function acceptLanguage(): string {
  return currentLang() === "en" ? "en" : "zh-CN";
}

function initialLang(): Lang {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === "en" || stored === "zh-CN") return stored;
  } catch {
    /* storage disabled: use the default */
  }
  return "zh-CN";
}

interface I18n {
  lang: Lang;
  t: Translate;
  setLang: (lang: Lang) => void;
  formatDateTime: (iso: string | null | undefined) => string;
  formatDate: (iso: string | null | undefined) => string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = catalogues[lang]["app.name"];
  }, [lang]);
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      /* not persisted; the switch still applies to this page */
    }
  }, []);
  const value = useMemo<I18n>(() => ({
    lang, t: translator(lang), setLang, formatDateTime: dateTimeFormatter(lang), formatDate: dateFormatter(lang),
  }), [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error("useI18n outside I18nProvider");
  return value;
}
