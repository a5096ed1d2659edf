import hashlib
import hmac
import secrets

from .clock import utc_now
from .errors import Unauthorized

ITERATIONS = 20_000


def hash_password(password: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), ITERATIONS)
    return f"pbkdf2_sha256${ITERATIONS}${salt}${digest.hex()}"


def verify_password(password: str, encoded: str) -> bool:
    try:
        _, iterations, salt, expected = encoded.split("$")
    except ValueError:
        return False
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), int(iterations))
    return hmac.compare_digest(digest.hex(), expected)


def create_session(conn, user_id: int) -> str:
    token = secrets.token_urlsafe(24)
    conn.execute(
        "INSERT INTO sessions (token, user_id, created_at) VALUES (?, ?, ?)",
        (token, user_id, utc_now()),
    )
    return token


def authenticate(request) -> dict:
    """The user behind the request's bearer token, or 401."""
    token = request.bearer_token()
    if token is None:
        raise Unauthorized("Sign in to continue")
    row = request.conn.execute(
        "SELECT u.id, u.name, u.email, u.role, u.organization FROM sessions s "
        "JOIN users u ON u.id = s.user_id WHERE s.token = ?",
        (token,),
    ).fetchone()
    if row is None:
        raise Unauthorized("Your session has expired, sign in again")
    return dict(row)
