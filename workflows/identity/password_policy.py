"""What a password a person chooses must be: long enough, not only one kind of character,
not their own user name or number, and not one of the passwords every guesser tries first.

The rules are deliberately few (NIST SP 800-63B: length and a block list beat composition
rules); each broken rule is named in Chinese so the person knows what to change.
"""

from __future__ import annotations

import secrets
import string

from workflows.core.errors import InvalidInput, Problem

MIN_LENGTH = 8
MAX_LENGTH = 128
# Passwords at the top of every leaked-password list, and the ones a school hands out.
COMMON = frozenset({
    "12345678", "123456789", "1234567890", "87654321", "11111111", "88888888", "00000000",
    "password", "password1", "passw0rd", "qwertyui", "qwerty123", "abc12345", "abcd1234",
    "a1234567", "a12345678", "1qaz2wsx", "1q2w3e4r", "iloveyou", "woaini1314", "admin123",
    "admin888", "123qwe123", "zxcvbnm1", "aa123456", "qq123456", "abc123456", "p@ssw0rd",
})


# Letters and digits a person reads off a sheet without confusing them (no 0/O, 1/l/I).
_HANDED_OVER_ALPHABET = "".join(
    c for c in string.ascii_letters + string.digits if c not in "0O1lI")


def handed_over_password(length: int = 12) -> str:
    """A random password an administrator hands over once; its holder must replace it."""
    return "".join(secrets.choice(_HANDED_OVER_ALPHABET) for _ in range(length))


def check_password(password: str, *, username: str, number: str | None = None,
                   current: str | None = None) -> None:
    """Refuse a new password with every rule it breaks, as problems of the field
    ``new_password``."""
    reasons = []
    if len(password) < MIN_LENGTH:
        reasons.append(f"密码至少 {MIN_LENGTH} 位")
    if len(password) > MAX_LENGTH:
        reasons.append(f"密码最多 {MAX_LENGTH} 位")
    if password.isdigit() or password.isalpha():
        reasons.append("密码须同时包含字母和数字（或符号）")
    lowered = password.lower()
    if lowered in COMMON or len(set(password)) <= 2:
        reasons.append("密码太常见，容易被猜中")
    for own in (username, number):
        if own and len(own) >= 3 and own.lower() in lowered:
            reasons.append("密码不能包含用户名、学号或工号")
            break
    if current is not None and password == current:
        reasons.append("新密码不能与原密码相同")
    if reasons:
        raise InvalidInput("；".join(reasons), problems=[
            Problem(reason, pointer="/new_password") for reason in reasons])
