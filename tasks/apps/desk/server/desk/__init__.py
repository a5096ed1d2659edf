"""Desk: a customer-support help desk (tickets, replies, internal notes, SLAs)."""
