"""What a robot card in a group chat shows, as its readers see it."""

import re


def figures_said_twice(card: dict) -> list[str]:
    """The card's figures (its fields) that its prose repeats: each should be said once."""
    prose = card.get("sub_title_text", "")
    return [
        field["value"]
        for field in card.get("horizontal_content_list", [])
        if re.search(rf"(?<![\d.,]){re.escape(field['value'])}(?![\d.,])", prose)
    ]
