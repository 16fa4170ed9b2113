// The browser checks an ID number as the server does (workflows/core/id_numbers.py).
import { describe, expect, it } from "vitest";
import { checkCharacter, idNumberProblem, isIdNumber } from "./idNumber";

describe("idNumber", () => {
  it("accepts a number whose check character fits and refuses a changed one", () => {
    const first17 = "11010519491231002";
    expect(checkCharacter(first17)).toBe("X");
    expect(isIdNumber(`${first17}X`)).toBe(true);
    expect(isIdNumber(`${first17}x`)).toBe(true);
    expect(idNumberProblem(`${first17}5`)).toEqual({ key: "idNumber.checkDigit", params: { expected: "X" } });
    expect(idNumberProblem("1101051949123100")?.key).toBe("idNumber.shape");
    expect(idNumberProblem("110105194902300021")?.key).toBe("idNumber.badDate");
  });
});
