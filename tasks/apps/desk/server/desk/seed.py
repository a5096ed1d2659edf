"""The demo data. Times are relative to the moment of seeding, so SLAs look the same every day."""

import json
from datetime import timedelta

from .auth import hash_password
from .clock import iso, now
from .settings import DEFAULTS

# (name, email, role, organization); ids follow the order
USERS = [
    ("Ada Admin", "ada@desk.test", "admin", "Northwind"),
    ("Sam Sato", "sam@desk.test", "agent", "Northwind"),
    ("Priya Patel", "priya@desk.test", "agent", "Northwind"),
    ("Carla Gómez", "carla@desk.test", "customer", "Brightside Bakery"),
    ("Dmitri Ivanov", "dmitri@desk.test", "customer", "Ivanov Logistics"),
    ("Erin Walsh", "erin@desk.test", "customer", "Walsh & Co"),
    ("Felix Novak", "felix@desk.test", "customer", ""),
]

# (subject, requester, status, priority, assignee, tags, created h ago, updated h ago,
#  solved h ago, body); ids follow the order
TICKETS = [
    ("Can't sign in after resetting my password", 4, "open", "high", 2, ["login"], 2, 0.8, None,
     "I reset my password this morning and now the sign-in page just says \"Something went wrong\". "
     "I have a delivery schedule to update today, please help!"),
    ("Invoice #4471 shows our old billing address", 5, "pending", "normal", 3, ["billing", "invoice"], 20, 17, None,
     "Our latest invoice still has the Bremen address. We moved to Hamburg in March and updated it in "
     "the account settings."),
    ("CSV export crashes the app", 6, "open", "urgent", None, ["bug", "export"], 6, 6, None,
     "Every time I click Export → CSV on the Orders page the whole app goes blank. We need this for "
     "our month-end close."),
    ("Feature request: dark mode", 7, "open", "low", None, ["feature-request"], 26, 26, None,
     "Would love a dark theme for late-night shifts."),
    ("Refund for a duplicate charge", 4, "open", "normal", 2, ["billing", "refund"], 30, 5, None,
     "We were charged twice for the May subscription (two charges of $49 on May 2). Could you refund "
     "one of them?"),
    ("How do I add a teammate?", 5, "solved", "low", 3, ["how-to"], 72, 60, 60,
     "I'd like to give my colleague access to our account. Where do I do that?"),
    ("Password reset email never arrives", 6, "closed", "normal", 2, ["login", "email"], 240, 100, 200,
     "I requested a password reset three times and got no email."),
    ("Webhook retries flood our endpoint", 7, "pending", "high", 2, ["api", "webhooks"], 5, 3, None,
     "Since yesterday every order.created webhook is delivered 5-6 times within a minute, even though "
     "our endpoint answers 200."),
    ("Two-factor code rejected", 4, "solved", "high", 3, ["login", "2fa"], 50, 40, 40,
     "My authenticator codes are always rejected as invalid."),
    ("Export is missing last week's orders", 6, "open", "normal", 3, ["export"], 3, 3, None,
     "The Excel export for last week stops at Wednesday. Orders from Thursday on are missing."),
    ("Can we get invoices as PDF?", 5, "open", "low", None, ["billing", "invoice"], 1, 1, None,
     "Our accountant needs PDF invoices instead of the HTML page."),
    ("Order page loads slowly", 7, "pending", "normal", 3, ["performance"], 28, 20, None,
     "The order list takes 10+ seconds to load since last week."),
]

# (ticket, author, internal, hours ago, body); ids follow the order
COMMENTS = [
    (1, 2, False, 1.5, "Hi Carla, sorry about that! Which browser are you using?"),
    (1, 4, False, 0.8, "Chrome on Windows. I also tried Edge, same thing."),
    (2, 3, False, 18, "Thanks Dmitri, I've asked billing to reissue the invoice. Can you confirm the "
     "new address is Hafenstraße 12, 20457 Hamburg?"),
    (2, 3, True, 17, "Billing says a reissue takes 2 business days."),
    (5, 2, True, 29, "Second refund request this quarter. Check with finance before refunding."),
    (5, 4, False, 5, "Any update on this? The duplicate charge is still on my card."),
    (6, 3, False, 61, "Go to Settings → Team and click Invite. Let me know if that works!"),
    (6, 5, False, 60.5, "That worked, thanks!"),
    (7, 2, False, 201, "The emails were caught by your spam filter. Adding no-reply@northwind.test to "
     "your allow list fixes it."),
    (8, 2, False, 4, "Could you send the webhook ID and the time of one of the duplicate deliveries?"),
    (8, 2, True, 3, "Looks like the retry backoff bug from last week, see ENG-212."),
    (9, 3, False, 41, "Your phone's clock was 3 minutes off. Turning on automatic time fixes the codes."),
    (12, 3, False, 20, "We're looking into it. Does it also happen with fewer filters applied?"),
]

PASSWORD = "password"


def seed(conn) -> None:
    moment = now()

    def ago(hours: float) -> str:
        return iso(moment - timedelta(hours=hours))

    password_hash = hash_password(PASSWORD, salt="deskdemo")
    conn.executemany(
        "INSERT INTO users (id, name, email, password_hash, role, organization) VALUES (?, ?, ?, ?, ?, ?)",
        [(i, name, email, password_hash, role, org) for i, (name, email, role, org) in enumerate(USERS, 1)],
    )
    sla = DEFAULTS["sla_hours"]
    for i, (subject, requester, status, priority, assignee, tags, created, updated, solved, body) in enumerate(
        TICKETS, 1
    ):
        conn.execute(
            "INSERT INTO tickets (id, subject, body, status, priority, requester_id, assignee_id, "
            "created_at, updated_at, due_at, solved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (i, subject, body, status, priority, requester, assignee, ago(created), ago(updated),
             ago(created - sla[priority]), None if solved is None else ago(solved)),
        )
        conn.executemany(
            "INSERT INTO ticket_tags (ticket_id, tag) VALUES (?, ?)", [(i, tag) for tag in tags]
        )
    conn.executemany(
        "INSERT INTO comments (id, ticket_id, author_id, body, internal, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        [(i, ticket, author, body, int(internal), ago(hours))
         for i, (ticket, author, internal, hours, body) in enumerate(COMMENTS, 1)],
    )
    conn.executemany(
        "INSERT INTO settings (key, value) VALUES (?, ?)",
        [(key, json.dumps(value)) for key, value in DEFAULTS.items()],
    )
