"""Schemathesis hooks (scripts/schemathesis.sh): values for the formats /openapi.json names that a
JSON Schema cannot check (mod-97 check digits), so generated requests can be valid ones."""

import uuid

import schemathesis
from hypothesis import strategies as st


def _mod97(digits: str) -> int:
    return int(digits) % 97


@st.composite
def belgian_iban(draw: st.DrawFn) -> str:
    account = draw(st.text("0123456789", min_size=10, max_size=10))
    bban = account + f"{_mod97(account) or 97:02d}"
    check = 98 - _mod97(bban + "111400")  # "BE00" moved to the end, B=11, E=14
    return f"BE{check:02d}{bban}"


@st.composite
def enterprise_number(draw: st.DrawFn) -> str:
    base = draw(st.integers(min_value=2_000_000, max_value=19_999_999))
    digits = f"{base:08d}"
    return f"{digits}{97 - _mod97(digits):02d}"


schemathesis.openapi.format("iban", belgian_iban())
schemathesis.openapi.format("be-enterprise-number", enterprise_number())


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    """A fresh Idempotency-Key per request: a generated key shared by two requests would replay the
    first answer (an id since deleted, a 422 for another body), which is the contract, not a fault.
    The reuse itself is tested in tests/api/access.test.ts."""
    if case.headers and "Idempotency-Key" in case.headers:
        case.headers["Idempotency-Key"] = f"st-{uuid.uuid4()}"
