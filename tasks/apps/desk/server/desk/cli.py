import argparse
import logging
from pathlib import Path

from .app import DeskApp
from .web import serve

APP_ROOT = Path(__file__).resolve().parents[2]


def run(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="desk", description="Run the Desk help desk.")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--data-dir", default="data", help="where desk.db is created")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = DeskApp(data_dir=Path(args.data_dir), frontend_dir=APP_ROOT / "frontend")
    app.setup()
    serve(app, port=args.port, log_requests=args.verbose)
