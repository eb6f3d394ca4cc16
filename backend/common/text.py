"""Short forms of long text, as lists and chat cards show them."""


def excerpt(body: str, limit: int) -> str:
    """``body`` on one line, cut to ``limit`` characters with an ellipsis when cut."""
    text = " ".join(body.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
