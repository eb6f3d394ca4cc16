"""What every served file must say: nosniff always; pictures shown in place, anything else an
attachment named in UTF-8."""

from urllib.parse import quote


def assert_saved(response, name: str | None = None) -> None:
    """Served for saving (never opened in our origin), named ``name`` if given."""
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;"), disposition
    if name is not None:
        assert f"filename*=UTF-8''{quote(name)}" in disposition, disposition


def assert_shown(response) -> None:
    """A picture: shown in place, and never sniffed as anything else."""
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype.startswith("image/")
    assert response.headers.get("Content-Disposition", "inline").startswith("inline")
