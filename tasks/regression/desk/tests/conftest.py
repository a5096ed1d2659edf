# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Shared fixtures of the desk regression suite (on top of swelancer_env.grading.plugin's).

Seeded users (password "password"): ada (admin, id 1), sam (agent, 2), priya (agent, 3),
carla (customer, 4), dmitri (5), erin (6), felix (7), all @desk.test. 12 tickets and 13 comments
are seeded: the next ticket is #13, the next comment #14.
"""

import pytest


@pytest.fixture
def api_as(api):
    """``api_as(email)``: a new API client signed in as that user (several users in one test)."""

    def make(email):
        client = type(api)(api.base)
        client.login(email)
        return client

    return make


@pytest.fixture
def ticket_of(api_as):
    """``ticket_of(id)``: the ticket as an agent (Sam) reads it through the API."""
    clients = []

    def read(ticket_id):
        if not clients:
            clients.append(api_as("sam@desk.test"))
        status, body = clients[0].get(f"/api/tickets/{ticket_id}")
        assert status == 200, f"GET /api/tickets/{ticket_id} as Sam answered {status}: {body}"
        return body

    return read


@pytest.fixture
def row_ids():
    """``row_ids(page)``: the ticket ids of the list's rows, top to bottom."""

    def read(page):
        ids = (
            page.get_by_test_id("ticket-table")
            .locator("tbody tr")
            .evaluate_all("rows => rows.map(r => r.getAttribute('data-testid'))")
        )
        return [int(i.rsplit("-", 1)[1]) for i in ids]

    return read
