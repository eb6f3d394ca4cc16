"""One Open311 answer, two spellings: GeoReport v2's XML (the format the spec requires) and
JSON (the one it allows), both written from the same dicts and lists open311_services builds,
so no field is listed twice.

XML is built with ElementTree, which escapes ``&``, ``<`` and ``>`` in text. What it does not
do is refuse the characters XML 1.0 forbids (C0 controls other than tab, newline and carriage
return; lone surrogates; U+FFFE, U+FFFF): it writes them, and the document no longer parses.
Text typed into Linli already has them refused (BaseSchema), but not every text in an answer
was typed: building and estate names come from spreadsheet imports (a cell may hold a
vertical tab), and rows may predate the rule. So they are dropped here, in XML only, where
they could only break the document; JSON escapes them and keeps them.
"""

import re
import xml.etree.ElementTree as ET

from flask import Response, current_app

FORMATS = ("xml", "json")  # the required one first, as discovery lists them
# text/xml, not application/xml: the media type GeoReport v2 names for its XML (".xml for
# text/xml output") and the one discovery documents list in "formats".
MIMETYPES = {"json": "application/json", "xml": "text/xml"}
# The spec puts a declaration with the encoding before the root element.
_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
# How the spec spells an element of each list it has in XML: one element per item, named
# for what it is, inside the list's own element.
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def respond(data: dict | list, fmt: str, root: str, status: int = 200) -> Response:
    """``data`` as a response in ``fmt``; ``root`` names the outermost XML element (a list's
    items are named by ITEM_TAGS[root])."""
    if fmt == "xml":
        body = _DECLARATION + ET.tostring(to_element(root, data), encoding="utf-8")
        response = Response(body)
    else:
        response = current_app.json.response(data)  # as jsonify: the app's JSON settings
    response.status_code = status
    response.content_type = f"{MIMETYPES[fmt]}; charset=utf-8"
    return response


def to_element(tag: str, value) -> ET.Element:
    """``value`` as the element ``tag``: a dict's keys become child elements in order, a list
    one ITEM_TAGS[tag] child per item, None an empty element, booleans true/false."""
    element = ET.Element(tag)
    if isinstance(value, dict):
        element.extend(to_element(key, item) for key, item in value.items())
    elif isinstance(value, list):
        element.extend(to_element(ITEM_TAGS[tag], item) for item in value)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = _NOT_XML_CHAR.sub("", str(value))
    return element
