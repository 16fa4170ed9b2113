"""The README lists every demo sign-in, so whoever tries the demo can sign in as each role."""

from __future__ import annotations

import json

from config.settings import PROJECT_ROOT


def test_readme_lists_every_demo_user_with_its_password() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    data = json.loads((PROJECT_ROOT / "config" / "demo_users.json").read_text(encoding="utf-8"))
    users = data["users"] if isinstance(data, dict) else data
    missing = [user["username"] for user in users
               if f"| `{user['username']}` | `{user['password']}` |" not in readme]
    assert missing == [], f"README.md (Demo sign-ins) does not list {missing}"
    assert "CERTFLOW_PORT=" in readme
