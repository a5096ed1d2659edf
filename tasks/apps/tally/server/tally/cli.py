import argparse
import logging
from pathlib import Path

from .app import TallyApp
from .server import serve

APP_ROOT = Path(__file__).resolve().parents[2]


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="tally", description="Run the Tally web app.")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--data-dir", default="data", help="where tally.db is created")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    return parser.parse_args(argv)


def run(argv: list[str]) -> None:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    app = TallyApp(data_dir=Path(args.data_dir), static_dir=APP_ROOT / "frontend")
    app.setup()
    serve(app, port=args.port, log_requests=args.verbose)
