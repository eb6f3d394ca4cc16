"""Console actions on an estate's group chats (监督群), taken from the estate page."""
