"""identity: who is signing in, and with what.

Use cases:
- ``sign_in.sign_in``: the actor for valid credentials, throttled per account and per address;
- ``tokens.revoke_token``, ``tokens.revoke_all_tokens``: sign out one token, or every token of
  a user;
- ``users.seed_users``: the accounts of a seed file, each with its person.
"""
