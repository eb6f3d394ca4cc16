"""Tickets (随手拍): owners report problems with photos; handlers accept, act and reply."""
