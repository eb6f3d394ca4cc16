"""Group-chat bot: WeChat/WeCom clients and a fake WeChat server for development and tests."""
