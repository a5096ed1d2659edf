"""Entry point: python3 server/main.py --port 8000 --data-dir /tmp/desk"""

import sys

# The source tree is treated as read-only while the server runs.
sys.dont_write_bytecode = True


def main() -> None:
    from desk.cli import run

    run(sys.argv[1:])


if __name__ == "__main__":
    main()
