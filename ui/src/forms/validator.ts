// rjsf's AJV 8 validator, built on Ajv2020: certflow's form schemas declare JSON Schema
// 2020-12 ("$schema": ".../draft/2020-12/schema"), which the default (draft-07) Ajv rejects.
// Messages are localised with ajv-i18n; the server re-validates with the same schema.
import { customizeValidator } from "@rjsf/validator-ajv8";
import Ajv2020 from "ajv/dist/2020";
import localizeZh from "ajv-i18n/localize/zh";
import type { Lang } from "../i18n";
import { isIdNumber } from "./idNumber";

// certflow's own format (workflows/core/id_numbers.py): a mainland resident ID number, checked
// here as the server checks it (shape, birth date, check character), so a typo is caught before
// the form is sent.
const customFormats = { "cn-resident-id": isIdNumber };

const options = { AjvClass: Ajv2020 as never, customFormats };

export const validators = {
  "zh-CN": customizeValidator(options, localizeZh),
  en: customizeValidator(options),
} satisfies Record<Lang, unknown>;
