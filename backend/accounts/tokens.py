"""Access tokens (short-lived JWT, HS256 only) and refresh tokens (opaque, hashed, rotated)."""

import base64
import functools
import hashlib
import secrets
from datetime import timedelta

import jwt

from backend.common.clock import as_utc, utcnow
from backend.errors import Unauthorized

ALGORITHM = "HS256"
ISSUER = "linli"
AUDIENCE = "linli-api"


def issue_access_token(user_id: int, secret: str, minutes: int, version: int = 0) -> str:
    """A signed access token carrying the user's token version (``User.token_version``)."""
    now = utcnow()
    claims = {
        "sub": str(user_id),
        "ver": version,
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + timedelta(minutes=minutes),
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


@functools.lru_cache(maxsize=4)
def _decoder(secret: str) -> tuple[jwt.PyJWT, jwt.PyJWK]:
    """The decoder and the HS256 key, built once per process and secret: PyJWT otherwise
    checks and prepares the key again for every request."""
    encoded = base64.urlsafe_b64encode(secret.encode()).rstrip(b"=").decode()
    key = jwt.PyJWK({"kty": "oct", "k": encoded}, algorithm=ALGORITHM)
    return jwt.PyJWT(options={"require": ["exp", "iat", "iss", "aud", "sub", "ver"]}), key


def read_access_token(token: str, secret: str) -> tuple[int, int]:
    """Return the user id and the token version in ``token``.

    :raises Unauthorized: expired, tampered, wrong issuer/audience or any algorithm but HS256.
    """
    decoder, key = _decoder(secret)
    try:
        claims = decoder.decode(
            token, key, algorithms=[ALGORITHM], audience=AUDIENCE, issuer=ISSUER
        )
        if type(claims["ver"]) is not int:
            raise ValueError("ver")
        return int(claims["sub"]), claims["ver"]
    except jwt.ExpiredSignatureError:
        raise Unauthorized("登录已过期，请重新登录", code="token_expired") from None
    except (jwt.InvalidTokenError, ValueError):
        raise Unauthorized("登录凭证无效，请重新登录", code="invalid_token") from None


def new_refresh_token() -> tuple[str, str]:
    """Return (token for the client, hash to store)."""
    token = secrets.token_urlsafe(32)
    return token, hash_refresh_token(token)


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_expired(expires_at) -> bool:
    return as_utc(expires_at) <= utcnow()
