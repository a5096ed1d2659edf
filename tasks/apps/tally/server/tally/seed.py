"""Deterministic demo data. Ids are fixed so that they are the same after every reset."""

from functools import cache

from . import money
from .auth import hash_password

DEMO_PASSWORD = "password"

# fmt: off
USERS = [
    (1, "Alice Admin", "alice@tally.test"),
    (2, "Bob Member", "bob@tally.test"),
    (3, "Carol Auditor", "carol@tally.test"),
    (4, "Dan Diaz", "dan@tally.test"),
    (5, "Erin Evans", "erin@tally.test"),
    (6, "Frank Fischer", "frank@tally.test"),
    (7, "Grace Gupta", "grace@tally.test"),
    (8, "Henri Dubois", "henri@tally.test"),
    (9, "Ines Moreau", "ines@tally.test"),
]

WORKSPACES = [
    # id, name, currency, receipt_required_over
    (1, "Acme Travel", "USD", 7500),
    (2, "Euro Ops", "EUR", 5000),
]

MEMBERSHIPS = [
    (1, 1, "admin"),
    (1, 2, "member"),
    (1, 3, "auditor"),
    (1, 4, "member"),
    (1, 5, "member"),
    (1, 6, "member"),
    (1, 7, "member"),
    (2, 8, "admin"),
    (2, 9, "member"),
    (2, 1, "member"),
]

CATEGORY_NAMES = [("Travel", True), ("Meals", True), ("Lodging", True), ("Office", True),
                  ("Legacy", False)]

REPORTS = [
    # id, workspace, owner, title, status, created_at, submitted_at, decided_at, decided_by
    (1, 1, 1, "NYC client visit", "open", "2024-05-06T09:00:00Z", None, None, None),
    (2, 1, 2, "Q2 office supplies", "open", "2024-05-08T11:30:00Z", None, None, None),
    (3, 1, 2, "Berlin offsite", "submitted", "2024-04-20T08:15:00Z", "2024-04-28T10:00:00Z",
     None, None),
    (4, 1, 1, "Chicago conference", "approved", "2024-03-12T14:00:00Z", "2024-03-20T09:00:00Z",
     "2024-03-22T16:45:00Z", 1),
    (5, 1, 2, "Team dinner", "rejected", "2024-04-02T19:00:00Z", "2024-04-03T08:00:00Z",
     "2024-04-04T09:00:00Z", 1),
    (6, 2, 8, "Paris client visit", "open", "2024-05-02T07:45:00Z", None, None, None),
    (7, 2, 9, "Lisbon trip", "submitted", "2024-04-15T12:00:00Z", "2024-04-25T15:55:00Z",
     None, None),
]

EXPENSES = [
    # id, report, merchant, amount, currency, category, date, description, receipt
    (1, 1, "Delta Air Lines", 42000, "USD", 1, "2024-05-02", "JFK round trip",
     "delta-eticket.pdf"),
    (2, 1, "Joe's Pizza", 2350, "USD", 2, "2024-05-03", "Lunch with the client", None),
    (3, 1, "The Standard Hotel", 31200, "USD", 3, "2024-05-03", "Two nights, High Line", None),
    (4, 1, "Yellow Cab", 7500, "USD", 1, "2024-05-04", "Ride to the airport", None),
    (5, 2, "Staples", 4599, "USD", 4, "2024-05-07", "Printer paper and toner", None),
    (6, 2, "Café Rouge", 1875, "USD", 2, "2024-05-07", "Team coffee", None),
    (7, 2, "Amazon", 12999, "USD", 4, "2024-05-08", "Standing desk mat",
     "amazon-order-1182.pdf"),
    (8, 3, "Lufthansa", 58000, "EUR", 1, "2024-04-18", "Return flights to Berlin",
     "lufthansa-booking.pdf"),
    (9, 3, "Hotel Adlon", 45000, "EUR", 3, "2024-04-19", "Offsite hotel, two nights",
     "adlon-invoice.pdf"),
    (10, 4, "United Airlines", 38900, "USD", 1, "2024-03-10", "Flights to O'Hare",
     "united-receipt.pdf"),
    (11, 4, "Hilton Chicago", 52000, "USD", 3, "2024-03-11", "Conference hotel, 3 nights",
     "hilton-folio.pdf"),
    (12, 5, "Nobu", 48000, "USD", 2, "2024-04-01", "Team dinner (12 people)",
     "nobu-receipt.jpg"),
    (13, 6, "SNCF", 12900, "EUR", 6, "2024-04-29", "TGV Paris to Lyon", "sncf-ticket.pdf"),
    (14, 6, "Le Bistrot", 4500, "EUR", 7, "2024-04-30", "Client lunch", None),
    (15, 6, "Muji", 5000, "JPY", 9, "2024-04-30", "Notebooks from the Tokyo store", None),
    (16, 7, "TAP Air Portugal", 21000, "EUR", 6, "2024-04-12", "Return flight to Lisbon",
     "tap-eticket.pdf"),
]

ROOMS = [
    # id, workspace, name
    (1, 1, "general"),
    (2, 1, "travel"),
    (3, 2, "general"),
]

# Every report has its own chat room, numbered after the workspace rooms.
REPORT_ROOM_OFFSET = 3

SPLITS = [
    # id, room, creator, amount, currency, description, created_at, participants (in order)
    (1, 2, 1, 6400, "USD", "Taxi to JFK", "2024-05-04T07:30:00Z", [1, 2, 4]),
    (2, 1, 2, 12500, "USD", "Team lunch at Joe's", "2024-05-02T12:40:00Z", [2, 1, 4, 5, 6, 7]),
    (3, 2, 5, 10000, "USD", "Airport lounge passes", "2024-05-04T09:15:00Z", [5, 6, 7, 4]),
]

MESSAGES = [
    # id, room, author, body, split, created_at
    (1, 1, 1, "Welcome to *Acme Travel*! Ask expense questions here and read the "
     "_travel policy_ before booking.", None, "2024-05-01T09:00:00Z"),
    (2, 1, 2, "Thanks @alice@tally.test! Is there a limit on client dinners?", None,
     "2024-05-01T09:05:00Z"),
    (3, 1, 1, "Anything over $75.00 needs a receipt:\n"
     "> Receipts are required for every expense over the workspace threshold.\n"
     "Use the `Attach receipt` button on the report.", None, "2024-05-01T09:12:00Z"),
    (4, 1, 3, "Heads up: the ~Legacy~ category is disabled. Please use *Travel*, *Meals*, "
     "*Lodging* or *Office*.", None, "2024-05-01T09:30:00Z"),
    (5, 1, 2, "Team lunch at Joe's", 2, "2024-05-02T12:40:00Z"),
    (6, 1, 7, "Thanks Bob, paying you back today", None, "2024-05-02T12:45:00Z"),
    (7, 2, 5, "Who's booking the Berlin flights? Compare fares on https://www.lufthansa.com "
     "first.", None, "2024-05-01T10:00:00Z"),
    (8, 2, 2, "Itinerary:\n```\nLH 401  JFK -> FRA  18:05\nLH 190  FRA -> BER  09:40\n```",
     None, "2024-05-01T10:20:00Z"),
    (9, 2, 1, "Taxi to JFK", 1, "2024-05-04T07:30:00Z"),
    (10, 2, 6, "@erin@tally.test I'll handle the hotel for the offsite", None,
     "2024-05-04T08:00:00Z"),
    (11, 2, 5, "Airport lounge passes", 3, "2024-05-04T09:15:00Z"),
    (12, 3, 8, "Bienvenue ! Please file expenses in *EUR* where possible.", None,
     "2024-04-20T08:00:00Z"),
    (13, 3, 9, "@henri@tally.test the Lisbon report is ready for review", None,
     "2024-04-25T16:00:00Z"),
    (14, 6, 2, "Submitted for approval, all receipts attached.", None, "2024-04-28T10:00:00Z"),
    (15, 8, 1, "Rejected: team dinners over $300 need pre-approval.", None,
     "2024-04-04T09:00:00Z"),
    (16, 4, 1, "Still waiting on the hotel receipt from The Standard.", None,
     "2024-05-05T18:00:00Z"),
]

# fmt: on


@cache
def _demo_password_hash() -> str:
    return hash_password(DEMO_PASSWORD)


def _category_rows():
    category_id = 0
    for workspace_id, *_ in WORKSPACES:
        for name, enabled in CATEGORY_NAMES:
            category_id += 1
            yield category_id, workspace_id, name, int(enabled)


def seed(conn) -> None:
    password_hash = _demo_password_hash()
    conn.executemany(
        "INSERT INTO users (id, name, email, password_hash) VALUES (?, ?, ?, ?)",
        [(user_id, name, email, password_hash) for user_id, name, email in USERS],
    )
    conn.executemany(
        "INSERT INTO workspaces (id, name, currency, receipt_required_over) VALUES (?, ?, ?, ?)",
        WORKSPACES,
    )
    conn.executemany(
        "INSERT INTO memberships (workspace_id, user_id, role) VALUES (?, ?, ?)", MEMBERSHIPS
    )
    conn.executemany(
        "INSERT INTO categories (id, workspace_id, name, enabled) VALUES (?, ?, ?, ?)",
        list(_category_rows()),
    )
    conn.executemany(
        "INSERT INTO reports (id, workspace_id, owner_id, title, status, created_at, "
        "submitted_at, decided_at, decided_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        REPORTS,
    )

    workspace_currency = {workspace_id: currency for workspace_id, _, currency, _ in WORKSPACES}
    report_currency = {report[0]: workspace_currency[report[1]] for report in REPORTS}
    expense_rows = []
    for expense in EXPENSES:
        expense_id, report_id, _, amount, currency, _, date, _, _ = expense
        converted = money.convert(amount, currency, report_currency[report_id])
        expense_rows.append((*expense[:5], converted, *expense[5:], f"{date}T12:00:00Z"))
    conn.executemany(
        "INSERT INTO expenses (id, report_id, merchant, amount, currency, converted_amount, "
        "category_id, date, description, receipt, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        expense_rows,
    )

    conn.executemany("INSERT INTO rooms (id, workspace_id, name) VALUES (?, ?, ?)", ROOMS)
    conn.executemany(
        "INSERT INTO rooms (id, workspace_id, name, report_id) VALUES (?, ?, NULL, ?)",
        [(report[0] + REPORT_ROOM_OFFSET, report[1], report[0]) for report in REPORTS],
    )

    for split_id, room_id, creator, amount, currency, description, created_at, people in SPLITS:
        conn.execute(
            "INSERT INTO splits (id, room_id, creator_id, amount, currency, description, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (split_id, room_id, creator, amount, currency, description, created_at),
        )
        shares = money.allocate(amount, len(people))
        conn.executemany(
            "INSERT INTO split_shares (split_id, user_id, position, amount) VALUES (?, ?, ?, ?)",
            [
                (split_id, user_id, position, share)
                for position, (user_id, share) in enumerate(zip(people, shares, strict=True))
            ],
        )

    conn.executemany(
        "INSERT INTO messages (id, room_id, author_id, body, split_id, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        MESSAGES,
    )
