"""The caller-key secret: the key of the HMAC-SHA-256 that turns a caller number into ``caller_key``.

The key comes from env ``LM_CALLER_SALT`` (a demo key when unset) and is stored in LM's schema as its two
HMAC pads (``lm_caller_secret``, one row), written here with bound parameters. dbt reads the pads inside
SQL (``stg_operatorbot__call_history`` via the ``lm_hmac_sha256`` macro), so the key itself never appears in
SQL text, dbt's logs or ``target/``, or a view definition. Only a short ``key_id`` (a hash of a pad) is
shown anywhere: it names the key in the run log's settings, so that a new key recomputes every call.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping

from lm.warehouse import Warehouse

TABLE = "lm_caller_secret"
DEMO_KEY = "lm-demo-salt"  # demo data only; production sets LM_CALLER_SALT
_BLOCK = 64  # SHA-256 block size in bytes


def caller_key_material(environ: Mapping[str, str] | None = None) -> str:
    """The HMAC key: env LM_CALLER_SALT, else the demo key."""
    return (os.environ if environ is None else environ).get("LM_CALLER_SALT") or DEMO_KEY


def pads(key: str) -> tuple[str, str, str]:
    """(inner pad hex, outer pad hex, key id) of an HMAC-SHA-256 key (RFC 2104)."""
    raw = key.encode("utf-8")
    if len(raw) > _BLOCK:
        raw = hashlib.sha256(raw).digest()
    raw = raw.ljust(_BLOCK, b"\0")
    inner = bytes(byte ^ 0x36 for byte in raw).hex()
    outer = bytes(byte ^ 0x5C for byte in raw).hex()
    return inner, outer, hashlib.sha256(outer.encode("ascii")).hexdigest()[:16]


def caller_key(key: str, caller_number: str) -> str:
    """What LM's SQL computes for a (trimmed) caller number: lowercase hex HMAC-SHA-256."""
    return hmac.new(key.encode("utf-8"), caller_number.encode("utf-8"), hashlib.sha256).hexdigest()


def install(wh: Warehouse, schema: str, key: str | None = None) -> str:
    """Create ``lm_caller_secret`` in ``schema`` if needed and store the key's pads; returns the key id.

    The row is rewritten only when the key changed, so ``installed_at`` says when it last changed.
    """
    inner, outer, key_id = pads(caller_key_material() if key is None else key)
    mysql = wh.target.is_mysql
    table = wh.qualify(schema, TABLE)
    mark = "%s" if mysql else "?"
    wh.ensure_schema(schema)
    wh.execute(
        f"create table if not exists {table} ("
        " secret_id int not null primary key,"
        f" inner_pad_hex {'char(128)' if mysql else 'varchar'} not null,"
        f" outer_pad_hex {'char(128)' if mysql else 'varchar'} not null,"
        f" key_id {'char(16)' if mysql else 'varchar'} not null,"
        f" installed_at {'datetime' if mysql else 'timestamp'} not null"
        ")"
    )
    current = wh.query(f"select key_id from {table} where secret_id = 1")
    if current and current[0][0] == key_id:
        return key_id
    wh.execute(f"delete from {table} where secret_id = 1")
    wh.execute(
        f"insert into {table} (secret_id, inner_pad_hex, outer_pad_hex, key_id, installed_at)"
        f" values (1, {mark}, {mark}, {mark}, current_timestamp)",
        [inner, outer, key_id],
    )
    return key_id
