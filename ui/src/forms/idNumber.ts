// 公民身份号码 (GB 11643-1999), checked in the browser as the server checks it
// (workflows/core/id_numbers.py): shape, birth date, and the ISO 7064 MOD 11-2 check character.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = "10X98765432";

export function checkCharacter(first17: string): string {
  let total = 0;
  for (let i = 0; i < 17; i += 1) total += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CHARS[total % 11];
}

export type IdProblem = "idNumber.shape" | "idNumber.badDate" | "idNumber.oddDate" | "idNumber.checkDigit";

/** Why the value is not a valid identity number (a catalogue key and its parameters), or null. */
export function idNumberProblem(value: string, today: Date = new Date()): { key: IdProblem; params: Record<string, string> } | null {
  if (!/^[1-9]\d{16}[\dXx]$/.test(value)) return { key: "idNumber.shape", params: {} };
  const year = Number(value.slice(6, 10));
  const month = Number(value.slice(10, 12));
  const day = Number(value.slice(12, 14));
  const born = new Date(Date.UTC(year, month - 1, day));
  if (born.getUTCFullYear() !== year || born.getUTCMonth() !== month - 1 || born.getUTCDate() !== day) {
    return { key: "idNumber.badDate", params: { date: value.slice(6, 14) } };
  }
  if (year < 1900 || born.getTime() > today.getTime()) return { key: "idNumber.oddDate", params: { date: value.slice(6, 14) } };
  const expected = checkCharacter(value.slice(0, 17));
  if (value[17].toUpperCase() !== expected) return { key: "idNumber.checkDigit", params: { expected } };
  return null;
}

export const isIdNumber = (value: string) => idNumberProblem(value) === null;
