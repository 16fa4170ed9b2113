"""The language a problem answer speaks: Chinese unless the client asks for English.

``?lang=en`` (or ``lang=zh``) wins; otherwise ``Accept-Language`` decides when English is
preferred over Chinese there. Everything else (no header, ``*``, other languages) is Chinese.
"""

from __future__ import annotations

from flask import has_request_context, request

LANGUAGES = ("zh", "en")


def request_language() -> str:
    if not has_request_context():
        return "zh"
    asked = (request.args.get("lang") or "").strip().lower()
    if asked:
        return "en" if asked.startswith("en") else "zh"
    best = request.accept_languages.best_match(["zh", "en"])
    return "en" if best == "en" else "zh"
