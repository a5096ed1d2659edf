from .. import search, tickets, views
from ..routing import Routes
from .people import require_staff

routes = Routes()


@routes.get("/api/views")
def list_views(request):
    return {"views": views.counts(request.conn, request.user)}


@routes.get("/api/tickets")
def list_tickets(request):
    view = views.find(request.user, request.query.get("view", views.for_user(request.user)[0].id))
    found = views.list_tickets(request.conn, request.user, view, request.query.get("tag"))
    return {"view": {"id": view.id, "name": view.name}, "tickets": found}


@routes.post("/api/tickets")
def create_ticket(request):
    ticket_id = tickets.create(request.conn, request.user, request.json())
    return tickets.detail(request.conn, request.user, ticket_id), 201


@routes.post("/api/tickets/bulk")
def bulk_update(request):
    require_staff(request.user)
    return tickets.bulk_update(request.conn, request.user, request.json())


@routes.get("/api/tickets/<int:ticket_id>")
def get_ticket(request, ticket_id):
    return tickets.detail(request.conn, request.user, ticket_id)


@routes.patch("/api/tickets/<int:ticket_id>")
def update_ticket(request, ticket_id):
    tickets.update(request.conn, request.user, ticket_id, request.json())
    return tickets.detail(request.conn, request.user, ticket_id)


@routes.post("/api/tickets/<int:ticket_id>/comments")
def add_comment(request, ticket_id):
    comment_id = tickets.add_comment(request.conn, request.user, ticket_id, request.json())
    return {"comment_id": comment_id, "ticket": tickets.detail(request.conn, request.user, ticket_id)}, 201


@routes.get("/api/search")
def search_tickets(request):
    return {"tickets": search.search(request.conn, request.user, request.query.get("q"))}
