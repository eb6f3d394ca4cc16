"""Subscribe messages (订阅消息): the owner's one-time consents, and reaching one person only
through a consent they gave."""
