"""``python -m bot.fakewechat --port 5050 [--host 127.0.0.1]``"""

import argparse

from werkzeug.serving import run_simple

from . import create_app


def main() -> None:
    parser = argparse.ArgumentParser(description="模拟微信 / 企业微信接口服务器")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5050)
    args = parser.parse_args()
    run_simple(args.host, args.port, create_app(), threaded=True)


if __name__ == "__main__":
    main()
